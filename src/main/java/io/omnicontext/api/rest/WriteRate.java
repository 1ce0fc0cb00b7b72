package io.omnicontext.api.rest;

import io.omnicontext.api.auth.Principal;
import io.omnicontext.api.limits.RateLimits;
import io.omnicontext.domain.Reason;
import io.omnicontext.ops.LiveMetrics;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Set;

/** Per-token write rate on REST (omnicontext.limits.rest.*): a write over it is 429 rate_limited with Retry-After. */
@ApplicationScoped
public class WriteRate {
  private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private final RateLimits limits;
  private final LiveMetrics metrics;

  public WriteRate(RateLimits limits, LiveMetrics metrics) {
    this.limits = limits;
    this.metrics = metrics;
  }

  void install(@Observes Router router) {
    router.route("/v1/*").order(-80).handler(this::admit); // after Authentication (-90): the principal is known
  }

  private void admit(RoutingContext ctx) {
    Principal p = ctx.get(Authentication.PRINCIPAL);
    if (p == null || !WRITES.contains(ctx.request().method())) {
      ctx.next();
      return;
    }
    Duration wait = limits.restWrite(p);
    if (wait.isZero()) {
      ctx.next();
      return;
    }
    metrics.rateLimited(LiveMetrics.RateScope.REST_WRITES);
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    ctx.response().putHeader("Retry-After", Long.toString(seconds));
    Problems.end(ctx, Problems.of(Reason.RATE_LIMITED, "this token writes faster than allowed; retry in " + seconds + " s"));
  }
}
