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
 *
 * <p>On a cluster the PING goes to one node (the client picks one for a keyless command), so this check says "this
 * node reaches the cluster", not "every master is up". That is on purpose: a master lost until its replica takes over
 * takes the same slots from every node alike, and turning them all DOWN would take the healthy slots out of the
 * Service too. Meanwhile writes to the lost slots are refused one by one (503 `unavailable`), and the
 * {@code change-feed} check is DOWN while a followed channel has no connected master ({@link ChangeFeedReadiness}).
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
