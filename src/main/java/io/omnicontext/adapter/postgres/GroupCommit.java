package io.omnicontext.adapter.postgres;

import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Group commit: appends that arrive while earlier ones are being written wait and then go together, in
 * one transaction of pipelined statements, so many concurrent writers cost a few round trips instead of
 * one transaction each; nobody is acknowledged before PostgreSQL committed what they gave. A batch that
 * fails is written again one submission at a time, so one entry PostgreSQL refuses fails only its own
 * writer.
 */
final class GroupCommit<T> {
  private record Pending<T>(List<T> items, CompletableFuture<Void> done) {}

  private final Function<List<T>, Uni<Void>> write;
  private final int maxBatch;
  private final int maxInFlight;
  private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
  private int inFlight;

  GroupCommit(Function<List<T>, Uni<Void>> write, int maxBatch, int maxInFlight) {
    this.write = write;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /** Completes once the items are committed (with whatever was batched with them). */
  Uni<Void> submit(List<T> items) {
    if (items.isEmpty()) return Uni.createFrom().voidItem();
    return Uni.createFrom().deferred(() -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      synchronized (this) {
        queue.add(new Pending<>(items, done));
      }
      drain();
      return Uni.createFrom().completionStage(done);
    });
  }

  private void drain() {
    while (true) {
      List<Pending<T>> batch = new ArrayList<>();
      synchronized (this) {
        if (inFlight >= maxInFlight || queue.isEmpty()) return;
        int size = 0;
        while (!queue.isEmpty() && (batch.isEmpty() || size + queue.peek().items().size() <= maxBatch)) {
          Pending<T> p = queue.poll();
          size += p.items().size();
          batch.add(p);
        }
        inFlight++;
      }
      List<T> all = new ArrayList<>();
      batch.forEach(p -> all.addAll(p.items()));
      Uni.createFrom().deferred(() -> write.apply(all)).subscribe().with(ok -> {
        batch.forEach(p -> p.done().complete(null));
        finished();
      }, err -> {
        if (batch.size() == 1) batch.get(0).done().completeExceptionally(err);
        else batch.forEach(p -> Uni.createFrom().deferred(() -> write.apply(p.items())).subscribe()
            .with(ok -> p.done().complete(null), e -> p.done().completeExceptionally(e)));
        finished();
      });
    }
  }

  private void finished() {
    synchronized (this) {
      inFlight--;
    }
    drain();
  }
}
