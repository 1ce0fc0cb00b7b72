package io.omnicontext.health;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Redis answers a PING in time (standalone, or any node of a cluster). Replaces the Redis client's own
 * check, whose details carry the client's error text; this one says only `up`, `timeout` or `unreachable`.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {
  /** Under the probes' 3 s timeout, so the probe gets this answer rather than its own timeout. */
  static final Duration DEADLINE = Duration.ofSeconds(2);

  private final ReactiveRedisDataSource redis;

  public RedisReadiness(ReactiveRedisDataSource redis) { this.redis = redis; }

  @Override
  public Uni<HealthCheckResponse> call() {
    long start = System.nanoTime();
    return redis.execute("PING")
        .ifNoItem().after(DEADLINE).failWith(TimeoutException::new)
        .map(pong -> HealthCheckResponse.named("redis").up().withData("redis", "up")
            .withData("ms", (System.nanoTime() - start) / 1_000_000).build())
        .onFailure().recoverWithItem(RedisReadiness::down);
  }

  private static HealthCheckResponse down(Throwable failure) {
    String why = failure instanceof TimeoutException ? "timeout" : "unreachable";
    return HealthCheckResponse.named("redis").down().withData("redis", why).build();
  }
}
