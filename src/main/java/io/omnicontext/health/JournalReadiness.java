package io.omnicontext.health;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.service.JournalRelay;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The journal as readiness sees it: the lag (commits waiting in the outbox) and whether PostgreSQL
 * answers. In `journal` durability a node without PostgreSQL cannot acknowledge writes: DOWN. In
 * `redis` durability it still serves: UP, with the lag as detail.
 */
@Readiness
@ApplicationScoped
public class JournalReadiness implements HealthCheck {
  private final JournalRelay relay;
  private final OmnicontextConfig config;

  public JournalReadiness(JournalRelay relay, OmnicontextConfig config) {
    this.relay = relay;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    boolean journalMode = config.journal().mode() == OmnicontextConfig.Durability.JOURNAL;
    var r = HealthCheckResponse.named("journal")
        .status(relay.postgresUp() || !journalMode)
        .withData("durability", config.journal().durability())
        .withData("postgres", relay.postgresUp() ? "up" : "down")
        .withData("lag", relay.lag());
    if (relay.lastError() != null) r.withData("error", relay.lastError());
    return r.build();
  }
}
