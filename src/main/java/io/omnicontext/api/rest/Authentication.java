package io.omnicontext.api.rest;

import io.omnicontext.api.auth.Principal;
import io.omnicontext.api.auth.TokenVerifier;
import io.omnicontext.domain.Reason;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Every /v1 request carries a bearer token; a bad one is 401 (a problem) before any resource runs. The SSE stream
 * also takes ?access_token, since a browser's EventSource cannot set headers. The WebSocket endpoint checks its own
 * handshake ({@code TokenUpgradeCheck}). A Vert.x route rather than a REST filter, so that verification may leave
 * the event loop (JWKS fetches) and hand the principal on through the routing context.
 */
@ApplicationScoped
public class Authentication {
  static final String PRINCIPAL = Principal.class.getName();
  private static final String STREAM = "/v1/stream";

  private final TokenVerifier verifier;

  public Authentication(TokenVerifier verifier) { this.verifier = verifier; }

  void install(@Observes Router router) {
    router.route("/v1/*").order(-90).handler(this::authenticate);
  }

  private void authenticate(RoutingContext ctx) {
    if (ctx.normalizedPath().equals(STREAM)) {
      ctx.next();
      return;
    }
    verifier.verifyAsync(token(ctx)).subscribe().with(p -> {
      ctx.put(PRINCIPAL, p);
      ctx.next();
    }, err -> refuse(ctx, err));
  }

  /** The bearer header, else (SSE only) the access_token query parameter. */
  private static String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7).trim();
    return ctx.normalizedPath().endsWith("/events") ? ctx.request().getParam("access_token") : null;
  }

  private static void refuse(RoutingContext ctx, Throwable err) {
    if (ctx.response().ended()) return;
    if (err instanceof TokenVerifier.Unauthorized u) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      Problems.end(ctx, Problems.of(Reason.UNAUTHORIZED, u.getMessage()));
    } else { // no worker to verify on: the node is overloaded, not the token bad
      Problems.end(ctx, Problems.of(Reason.UNAVAILABLE, "the token could not be verified now; retry"));
    }
  }
}
