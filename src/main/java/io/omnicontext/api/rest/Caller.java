package io.omnicontext.api.rest;

import io.omnicontext.api.auth.Principal;
import jakarta.enterprise.context.RequestScoped;

/** The verified principal of the current request, set by {@link AuthFilter}. */
@RequestScoped
public class Caller {
  private Principal principal;

  void set(Principal p) { principal = p; }

  public Principal get() {
    if (principal == null) throw new IllegalStateException("no principal: AuthFilter did not run");
    return principal;
  }
}
