package io.omnicontext.api.rest;

import io.omnicontext.api.auth.Principal;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;

/** The verified principal of the current request, put on the routing context by {@link Authentication}. */
@RequestScoped
public class Caller {
  private final RoutingContext request;

  public Caller(RoutingContext request) { this.request = request; }

  public Principal get() {
    Principal p = request.get(Authentication.PRINCIPAL);
    if (p == null) throw new IllegalStateException("no principal: Authentication did not run");
    return p;
  }
}
