package io.omnicontext.port;

import io.smallrye.mutiny.Uni;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Cross-node fan-out of committed changes, one topic per customer and per team. Guarantee: at most
 * once, in commit order per topic as this node receives them; a message may be lost (reconnect):
 * sessions see the gap by version (or seq) and fill it from the store's log. Never the source of
 * truth. Follow a topic on its first local session, unfollow after its last.
 */
public interface ChangeFeed {

  /**
   * Completes once the server confirmed the subscription, so nothing published later is missed. While the
   * feed (re)connects it waits, bounded; it fails with {@link Down} only when Redis stays unreachable.
   */
  Uni<Void> follow(Topic topic);

  Uni<Void> unfollow(Topic topic);

  /**
   * Where messages go: topic and the published payload (a customer's: the JSON array of one commit's
   * changes, or {"erased":true}; a team's: one hand-off frame). Set once at start-up.
   */
  void onMessage(BiConsumer<Topic, String> listener);

  /**
   * Called for each followed topic whose messages may have been lost: its connection came back after a
   * drop, or (on a Redis Cluster) its slot moved to another master and it is followed there now. Its
   * sessions fill the gap from the log. Set once at start-up.
   */
  void onGap(Consumer<Topic> topic);

  /**
   * Whether the feed can deliver (readiness): every followed topic is confirmed on a connected server; with
   * nothing followed, the servers could be reached.
   */
  boolean connected();

  /** How often the feed lost its connection since start (a metric; rare when Redis stays up). */
  long reconnects();

  /** The feed's connection is down: callers answer `unavailable` and retry. */
  final class Down extends RuntimeException {
    public Down() { super("the change feed is not connected to Redis", null, false, false); }
  }
}
