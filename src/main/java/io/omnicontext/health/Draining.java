package io.omnicontext.health;

import io.omnicontext.config.OmnicontextConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this node is draining: once started (on SIGTERM) it never stops. Readiness turns DOWN at once,
 * so Kubernetes and the ingress stop sending new clients; whoever closes the node's sockets spreads them
 * over {@link #window()}.
 */
@ApplicationScoped
public class Draining {
  private final Duration window;
  private final Clock clock;
  private final AtomicReference<Instant> since = new AtomicReference<>();

  @Inject
  public Draining(OmnicontextConfig config, Clock clock) { this(config.drain().window(), clock); }

  Draining(Duration window, Clock clock) {
    this.window = window;
    this.clock = clock;
  }

  public boolean draining() { return since.get() != null; }

  /** Starts draining; true if this call started it, false if it had started already. */
  public boolean start() {
    boolean first = since.compareAndSet(null, clock.instant());
    if (first) Log.infof("draining: readiness DOWN; connections close over %s", window);
    return first;
  }

  /** The span over which the node's connections are closed (omnicontext.drain.window). */
  public Duration window() { return window; }

  /** When draining started, if it did. */
  public Optional<Instant> since() { return Optional.ofNullable(since.get()); }
}
