package io.omnicontext.api.rest;

import io.omnicontext.api.auth.Principal;
import io.omnicontext.ops.RequestIds;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;

/**
 * The verified principal of the current request, put on the routing context by {@link Authentication}, and the
 * request's correlation id ({@link RequestIds}).
 */
@RequestScoped
public class Caller {
  private final RoutingContext request;

  public Caller(RoutingContext request) { this.request = request; }

  public Principal get() {
    Principal p = request.get(Authentication.PRINCIPAL);
    if (p == null) throw new IllegalStateException("no principal: Authentication did not run");
    return p;
  }

  /** The correlation id of the current request (its X-Request-Id). */
  public String requestId() { return RequestIds.of(request); }
}
