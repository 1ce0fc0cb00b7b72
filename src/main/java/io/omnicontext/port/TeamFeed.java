package io.omnicontext.port;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Each team's hand-off feed: a gap-free sequence per (tenant, team), a bounded log of its frames, and the
 * list of its open and overdue hand-offs. Entries are numbered when the commit's follow-up is settled
 * ({@link ContextStore#settle}: by the writer right after the commit, or later by the journal relay), each
 * hand-off change once (remembered 24 h). Bound: when the store loses the feed's last writes (a failover to
 * a replica that missed them), the feed moves to a new epoch of seqs rather than give a seq again, and
 * {@link #after} answers not complete for a position it can no longer continue from, so subscribers
 * resync and read the board again; the lost changes are missing from the board until their hand-offs change
 * again. This port reads the feed.
 */
public interface TeamFeed {

  /** The current seq and the waiting (open, overdue) hand-offs, read together. */
  Uni<Board> board(String tenant, String team);

  /** Frames with seq > after, in order; {@code complete} false when the log no longer reaches after+1. */
  Uni<Frames> after(String tenant, String team, long after);

  /** One waiting hand-off as the team sees it: stored JSON. */
  record Board(long seq, List<String> waitingJson) {}

  /** Encoded team frames {"type":"handoff",...} with their seq. */
  record Frames(List<Long> seqs, List<String> frames, long seq, boolean complete) {}
}
