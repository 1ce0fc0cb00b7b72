package io.omnicontext.health;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.config.OmnicontextConfig.Durability;
import io.omnicontext.service.JournalRelay;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The journal as readiness sees it: the lag (commits waiting in the outbox) and whether PostgreSQL
 * answers. In `journal` durability a node without PostgreSQL cannot acknowledge writes, and one whose
 * outbox is past omnicontext.journal.max-ready-lag has fallen too far behind: DOWN. PostgreSQL's state is at
 * most a few seconds old: the relay's last look, or a ping of this check's own when that is stale. In `redis`
 * durability it still serves: UP, with the lag as detail. The details never carry PostgreSQL's error
 * text (the log has it).
 */
@Readiness
@ApplicationScoped
public class JournalReadiness implements AsyncHealthCheck {
  private final JournalRelay relay;
  private final OmnicontextConfig config;

  public JournalReadiness(JournalRelay relay, OmnicontextConfig config) {
    this.relay = relay;
    this.config = config;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    var journal = config.journal();
    return relay.postgresNow(RedisReadiness.DEADLINE).map(postgresUp -> response(journal.mode(), postgresUp, relay.lag(), journal.maxReadyLag()));
  }

  static HealthCheckResponse response(Durability mode, boolean postgresUp, long lag, long maxReadyLag) {
    boolean lagWithinBound = lag <= maxReadyLag;
    boolean up = mode == Durability.REDIS || (postgresUp && lagWithinBound);
    return HealthCheckResponse.named("journal")
        .status(up)
        .withData("durability", mode.name().toLowerCase(java.util.Locale.ROOT))
        .withData("postgres", postgresUp ? "up" : "down")
        .withData("lag", lag)
        .withData("max-ready-lag", maxReadyLag)
        .withData("lag-within-bound", lagWithinBound)
        .build();
  }
}
