package io.omnicontext.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** A draining node takes no new clients: DOWN from the moment draining starts. */
@Readiness
@ApplicationScoped
public class DrainingReadiness implements HealthCheck {
  private final Draining draining;

  public DrainingReadiness(Draining draining) { this.draining = draining; }

  @Override
  public HealthCheckResponse call() {
    var r = HealthCheckResponse.named("draining")
        .status(!draining.draining())
        .withData("draining", draining.draining())
        .withData("window", draining.window().toString());
    draining.since().ifPresent(t -> r.withData("since", t.toString()));
    return r.build();
  }
}
