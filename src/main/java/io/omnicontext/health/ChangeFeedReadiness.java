package io.omnicontext.health;

import io.omnicontext.port.ChangeFeed;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** A node whose pub/sub connection is down cannot push: not ready until the feed reconnects. */
@Readiness
@ApplicationScoped
public class ChangeFeedReadiness implements HealthCheck {
  private final ChangeFeed feed;

  public ChangeFeedReadiness(ChangeFeed feed) { this.feed = feed; }

  @Override
  public HealthCheckResponse call() {
    boolean connected = feed.connected();
    return HealthCheckResponse.named("change-feed").status(connected).withData("connected", connected).build();
  }
}
