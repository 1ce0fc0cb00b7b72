package io.omnicontext.port;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Each team's hand-off feed: a sequence per (tenant, team), a bounded log of its frames, the list of its open and
 * overdue hand-offs (the board) and of its accepted, not yet completed ones (in progress). This port reads them;
 * they are written when a commit is settled ({@link ContextStore#settle}), after the customer's commit and in the
 * team's own slot: by the writer right after its commit, or else by the journal relay, which settles every outbox
 * entry again until it is acknowledged.
 *
 * <p>Guarantee: the seq is gap-free per team (each hand-off change takes the next one when it is settled, so seq
 * order is settlement order, not commit order across customers); each hand-off change is on the feed exactly once
 * while the team remembers having applied it (a day: a redo later than that, an outbox held back that long, would
 * apply it again); the board keeps, per hand-off, what the latest version of its customer says, whatever the
 * order in which two of that customer's commits were settled.
 *
 * <p>Bound: when the store loses the feed's last writes (a failover to a replica that missed them), the feed moves
 * to a new epoch of seqs rather than give a seq again, and {@link #after} answers not complete for a position it
 * can no longer continue from, so subscribers resync and read the board again; the lost changes are missing from
 * the board until their hand-offs change again.
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
