package io.omnicontext.service.push;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * How many subscriptions this node opens at once (each open reads Redis: a snapshot, a replay from the log). When
 * 10,000 screens come back in the same second (a node drained, a network blip), their opens wait here in order instead
 * of all asking Redis at once: unbounded, they filled the Redis client's wait queue, and subscribes and writes alike
 * were refused while Redis was up (bench `resume-storm`: 29,052 refused subscribes). A wait is bounded by
 * omnicontext.push.opens-queued; past it, the open is refused `unavailable` and the client retries.
 */
@ApplicationScoped
public class OpenGate {
  private final int inFlight;
  private final int maxQueued;
  private final Queue<Waiting> queue = new ArrayDeque<>();
  private int running;

  @Inject
  public OpenGate(OmnicontextConfig config) { this(config.push().opensInFlight(), config.push().opensQueued()); }

  OpenGate(int inFlight, int maxQueued) {
    this.inFlight = inFlight;
    this.maxQueued = maxQueued;
  }

  /** An open waiting for its turn; {@code cancelled} once its caller went away (its screen closed). */
  private record Waiting(Runnable start, Context context, AtomicBoolean cancelled) {}

  /** {@code open} once fewer than opens-in-flight run, on the caller's Vert.x context; skipped if cancelled meanwhile. */
  public <T> Uni<T> run(Supplier<Uni<T>> open) {
    return Uni.createFrom().emitter(em -> {
      AtomicBoolean cancelled = new AtomicBoolean();
      em.onTermination(() -> cancelled.set(true));
      Runnable start = () -> {
        Uni<T> opening;
        try {
          opening = open.get();
        } catch (RuntimeException e) {
          release();
          em.fail(e);
          return;
        }
        opening.onTermination().invoke(this::release).subscribe().with(em::complete, em::fail);
      };
      switch (admit(new Waiting(start, Vertx.currentContext(), cancelled))) {
        case NOW -> start.run();
        case QUEUED -> { }
        case FULL -> em.fail(new Refusal(Reason.UNAVAILABLE, "this node is opening too many subscriptions at once; retry"));
      }
    });
  }

  private enum Admission { NOW, QUEUED, FULL }

  private synchronized Admission admit(Waiting w) {
    if (running < inFlight) {
      running++;
      return Admission.NOW;
    }
    if (queue.size() >= maxQueued) return Admission.FULL;
    queue.add(w);
    return Admission.QUEUED;
  }

  /** One open ended: the next waiting one that is still wanted takes its place (on its own context), or the slot is free. */
  private void release() {
    Waiting next;
    synchronized (this) {
      do next = queue.poll(); while (next != null && next.cancelled().get());
      if (next == null) running--;
    }
    if (next == null) return;
    Runnable start = next.start();
    if (next.context() == null) start.run();
    else next.context().runOnContext(v -> start.run());
  }

  /** Opens running and waiting (for tests and metrics). */
  synchronized int[] load() { return new int[] {running, queue.size()}; }
}
