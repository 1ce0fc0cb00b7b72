package io.omnicontext.health;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * Started once every start-up step ran (Flyway's migration, the durability check, the feed, the
 * relay): the startup probe holds liveness back until then, however long a migration takes.
 */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {
  private final Clock clock;
  private volatile Instant startedAt;

  public StartedCheck(Clock clock) { this.clock = clock; }

  /** The last StartupEvent observer, so every other start-up step has run before it. */
  void started(@Observes @Priority(Integer.MAX_VALUE) StartupEvent e) { startedAt = clock.instant(); }

  @Override
  public HealthCheckResponse call() {
    var r = HealthCheckResponse.named("started").status(startedAt != null);
    if (startedAt != null) r.withData("since", startedAt.toString());
    return r.build();
  }
}
