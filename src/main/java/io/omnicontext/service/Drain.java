package io.omnicontext.service;

import io.omnicontext.health.Draining;
import io.omnicontext.service.push.OpenSessions;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * SIGTERM: readiness turns DOWN at once (no new clients are routed here and new connections are refused
 * with 1013), then the open WebSockets are closed with 1013 and SSE streams ended, spread evenly over the
 * drain window in random order so their clients do not all come back in the same second. The engagements
 * those connections started end with them, as the contract says. Quarkus waits for this before it stops
 * the HTTP server; a node without connections stops at once.
 */
@ApplicationScoped
public class Drain {
  private final Draining draining;
  private final OpenSessions sessions;

  public Drain(Draining draining, OpenSessions sessions) {
    this.draining = draining;
    this.sessions = sessions;
  }

  /** Runs on Quarkus' shutdown thread (never an event loop), so it may wait. */
  void onShutdown(@Observes ShutdownDelayInitiatedEvent e) { drain(); }

  void drain() {
    if (!draining.start()) return;
    List<OpenSessions.Drainable> open = new ArrayList<>(sessions.snapshot());
    Collections.shuffle(open, ThreadLocalRandom.current());
    long windowNanos = draining.window().toNanos();
    long started = System.nanoTime();
    for (int i = 0; i < open.size(); i++) {
      long due = started + windowNanos * i / Math.max(1, open.size());
      sleepUntil(due);
      open.get(i).drain();
    }
    Log.infof("drained %d connections in %d ms", open.size(), Duration.ofNanos(System.nanoTime() - started).toMillis());
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (sessions.count() > 0 && System.nanoTime() < deadline) sleepUntil(System.nanoTime() + 50_000_000L); // closes finishing
  }

  private static void sleepUntil(long nanoTime) {
    long ms = (nanoTime - System.nanoTime()) / 1_000_000;
    if (ms <= 0) return;
    try {
      Thread.sleep(ms);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }
}
