package io.omnicontext.port;

import io.smallrye.mutiny.Uni;
import java.util.Set;

/**
 * Which of the {@link #buckets()} buckets this node works: the background work of the customers in a bucket (their
 * journal outbox, their due schedule, their engagement leases) is done by the node that holds the bucket's lease, so
 * no node reads every bucket and no single key carries every commit.
 *
 * <p>Guarantee, with {@code ttl} the lease and {@code step} the period of {@link #step()} (ttl ≥ 2 steps):
 * <ul>
 *   <li>Fair share: with n live nodes, a node holds at most ceil(buckets / n) once it has stepped after the count
 *       changed, and claims free buckets until it holds that many; so once the nodes agree on n, every bucket is held.
 *   <li>Takeover: a node that dies (kill -9, partition) stops renewing; its leases and its heartbeat run out within
 *       ttl, and at the next step the others claim its buckets: every bucket is worked again within ttl + step
 *       (4 s by default). A node that stops ({@link #releaseAll()}) hands its buckets over within one step.
 *   <li>Join: a new node counts itself alive at its first step; the others let go of their surplus at their next step
 *       and it claims them at the one after, so a bucket is without owner for at most about one step meanwhile.
 *   <li>At most one holder in Redis at a time (SET NX, compare-and-renew), but not exclusive work: a node that stalls
 *       past its ttl may still finish a step on a bucket another node claimed ({@link #owned()} stops listing a bucket
 *       once its last renewal is ttl old). Every worker therefore stays idempotent on its own: outbox entries are
 *       journaled at least once and inserts ignore rows already there; due changes and engagement ends go through
 *       the commit's compare-and-set, so a second sweep recomputes and commits nothing.
 * </ul>
 */
public interface BucketLeases {

  /** How many buckets the customers are spread over. */
  int buckets();

  /** This node's name in the live-node set and as the holder of its leases (also its journal consumer name). */
  String node();

  /** The buckets this node holds now, and whose last renewal is younger than the ttl. */
  Set<Integer> owned();

  /**
   * One round: heartbeat, renew the leases held, let go of the surplus over the fair share, claim free buckets up to
   * it. Answers the buckets claimed in this round (their previous holder is gone: their work may be overdue).
   */
  Uni<Set<Integer>> step();

  /** Lets go of every bucket and leaves the live-node set (shutdown): the other nodes take over at their next step. */
  Uni<Void> releaseAll();
}
