package io.omnicontext.service;

import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * This node's commits of one customer run one after another. Concurrent writers of a hot customer (a chat, a
 * call and a store visit on the same person, an upstream system replaying a burst) would otherwise race on the
 * version check and redo their load, rules and encoding each time they lose: the benchmark's hot customer spent
 * tens of milliseconds of CPU per committed op that way. Nodes still race one another; the version check keeps
 * that correct, so this is an economy, not a lock: a waiter that gives up (timeout) lets the next one go.
 */
final class CustomerQueue {
  private final Map<CustomerKey, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

  /** Runs {@code work} once the customer's earlier work on this node ended, back on the caller's Vert.x context. */
  <T> Uni<T> run(CustomerKey key, Supplier<Uni<T>> work) {
    return Uni.createFrom().deferred(() -> {
      CompletableFuture<Void> mine = new CompletableFuture<>();
      CompletableFuture<Void> previous = tails.put(key, mine);
      Uni<Void> turn = previous == null ? Uni.createFrom().voidItem() : after(previous);
      return turn.chain(work::get).onTermination().invoke(() -> {
        mine.complete(null);
        tails.remove(key, mine);
      });
    });
  }

  private static Uni<Void> after(CompletableFuture<Void> previous) {
    Context context = Vertx.currentContext();
    Uni<Void> done = Uni.createFrom().completionStage(previous);
    return context == null ? done : done.emitOn(task -> context.runOnContext(v -> task.run()));
  }

  /** Customers with work queued or running on this node (for tests and metrics). */
  int busy() { return tails.size(); }
}
