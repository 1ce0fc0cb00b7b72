package io.omnicontext.adapter.postgres;

import io.omnicontext.ops.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
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
 * writer. Each group transaction is a span of its own ({@code omnicontext.journal.group}) linked to the span of
 * every append it carries, since it serves several traces at once.
 */
final class GroupCommit<T> {
  private record Pending<T>(List<T> items, CompletableFuture<Void> done, SpanContext caller) {}

  private final Function<List<T>, Uni<Void>> write;
  private final Traces traces;
  private final int maxBatch;
  private final int maxInFlight;
  private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
  private int inFlight;

  GroupCommit(Function<List<T>, Uni<Void>> write, int maxBatch, int maxInFlight, Traces traces) {
    this.write = write;
    this.traces = traces;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /** Completes once the items are committed (with whatever was batched with them). */
  Uni<Void> submit(List<T> items) {
    if (items.isEmpty()) return Uni.createFrom().voidItem();
    return Uni.createFrom().deferred(() -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      synchronized (this) {
        queue.add(new Pending<>(items, done, Span.current().getSpanContext()));
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
      Span span = groupSpan(batch, all.size());
      try (Scope ignored = span.makeCurrent()) {
        subscribe(batch, all, span);
      }
    }
  }

  private Span groupSpan(List<Pending<T>> batch, int entries) {
    SpanBuilder b = traces.builder("omnicontext.journal.group").setNoParent();
    for (Pending<T> p : batch) if (p.caller().isValid()) b.addLink(p.caller());
    Span span = b.startSpan();
    if (span.isRecording()) span.setAttribute(Traces.ENTRIES, (long) entries).setAttribute(Traces.WRITERS, (long) batch.size());
    return span;
  }

  private void subscribe(List<Pending<T>> batch, List<T> all, Span span) {
    Uni.createFrom().deferred(() -> write.apply(all)).subscribe().with(ok -> {
      span.end();
      batch.forEach(p -> p.done().complete(null));
      finished();
    }, err -> {
      Traces.failed(span, err);
      span.end();
      if (batch.size() == 1) batch.get(0).done().completeExceptionally(err);
      else batch.forEach(p -> Uni.createFrom().deferred(() -> write.apply(p.items())).subscribe()
          .with(ok -> p.done().complete(null), e -> p.done().completeExceptionally(e)));
      finished();
    });
  }

  private void finished() {
    synchronized (this) {
      inFlight--;
    }
    drain();
  }
}
