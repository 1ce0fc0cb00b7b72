package io.omnicontext.api.rest;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Reason;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a declared body over the limit (413 too_large as a problem) before it is read; bodies
 * without a Content-Length are measured by the resource once read.
 */
@ApplicationScoped
public class BodyLimit {
  private final OmnicontextConfig config;

  public BodyLimit(OmnicontextConfig config) { this.config = config; }

  void install(@Observes Router router) {
    router.route("/v1/*").order(-100).handler(ctx -> {
      String length = ctx.request().getHeader("Content-Length");
      if (length != null && tooLong(length)) {
        ctx.response().putHeader("Connection", "close");
        Problems.end(ctx, Problems.of(Reason.TOO_LARGE, "the request body is over " + config.maxBodyBytes() + " bytes"));
      } else {
        ctx.next();
      }
    });
  }

  private boolean tooLong(String length) {
    try {
      return Long.parseLong(length.trim()) > config.maxBodyBytes();
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
