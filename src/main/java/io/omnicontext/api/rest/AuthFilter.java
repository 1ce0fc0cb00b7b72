package io.omnicontext.api.rest;

import io.omnicontext.api.auth.TokenVerifier;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every /v1 request carries a bearer token; a bad one is 401 before any resource runs. The SSE stream
 * also takes ?access_token, since a browser's EventSource cannot set headers (as on the WebSocket).
 */
public class AuthFilter {
  private final TokenVerifier verifier;
  private final Caller caller;

  public AuthFilter(TokenVerifier verifier, Caller caller) {
    this.verifier = verifier;
    this.caller = caller;
  }

  @ServerRequestFilter(preMatching = true)
  public void authenticate(ContainerRequestContext request) {
    String header = request.getHeaderString("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (token == null && request.getUriInfo().getPath().endsWith("/events")) {
      token = request.getUriInfo().getQueryParameters().getFirst("access_token");
    }
    caller.set(verifier.verify(token));
  }
}
