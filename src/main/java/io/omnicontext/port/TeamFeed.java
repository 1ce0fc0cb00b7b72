package io.omnicontext.port;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Each team's hand-off feed: a gap-free sequence per (tenant, team) assigned at commit, a bounded log
 * of its frames, and the list of its open and overdue hand-offs (the board) and of its accepted, not yet completed
 * ones (in progress). Entries are written by
 * {@link ContextStore#commit}; this port reads them.
 */
public interface TeamFeed {

  /** The current seq, the waiting (open, overdue) and the accepted hand-offs, read together. */
  Uni<Board> board(String tenant, String team);

  /** Frames with seq > after, in order; {@code complete} false when the log no longer reaches after+1. */
  Uni<Frames> after(String tenant, String team, long after);

  /** The team's hand-offs as it sees them, stored JSON each, most urgent first: waiting ones and accepted ones. */
  record Board(long seq, List<String> waitingJson, List<String> acceptedJson) {}

  /** Encoded team frames {"type":"handoff",...} with their seq. */
  record Frames(List<Long> seqs, List<String> frames, long seq, boolean complete) {}
}
