package io.omnicontext.service.push;

import io.smallrye.mutiny.Uni;

/**
 * One session's subscription to one topic. It turns the at-most-once feed into what the contract
 * promises: in order, gap-free, no duplicates. It buffers while it starts, drops what it already
 * sent, and fills a gap from the store's log before going on.
 */
public interface Subscription {
  /** Sends subscribed, then the snapshot or the replay after {@code after}, then goes live. */
  Uni<Void> open(String requestId, Long after);

  /** A message of the topic's feed arrived (the payload, parsed once by the hub). */
  void deliver(Object message);

  /** The feed may have lost messages: check the log for anything missed. */
  void recheck();

  /** The customer was erased: say so once, then stop. */
  default void erased() {}

  /** Stops sending; the hub forgets it. */
  void close();
}
