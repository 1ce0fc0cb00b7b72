package io.omnicontext.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** A background step run every interval on an event loop, never overlapping itself: a tick during a slow step is skipped. */
final class Periodic {
  private final Vertx vertx;
  private final String name;
  private final Supplier<Uni<?>> step;
  private final AtomicBoolean running = new AtomicBoolean();
  private final long timer;

  private Periodic(Vertx vertx, Duration interval, String name, Supplier<Uni<?>> step) {
    this.vertx = vertx;
    this.name = name;
    this.step = step;
    this.timer = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> tick());
  }

  static Periodic every(Vertx vertx, Duration interval, String name, Supplier<Uni<?>> step) {
    return new Periodic(vertx, interval, name, step);
  }

  private void tick() {
    if (!running.compareAndSet(false, true)) return;
    Uni.createFrom().deferred(step)
        .onTermination().invoke(() -> running.set(false))
        .subscribe().with(x -> {}, err -> Log.debugf("%s failed: %s", name, err.getMessage()));
  }

  void cancel() { vertx.cancelTimer(timer); }
}
