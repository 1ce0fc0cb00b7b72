package io.omnicontext.api.ws;

import io.omnicontext.api.auth.Principal;
import io.omnicontext.api.auth.TokenVerifier;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/** Refuses the WebSocket handshake with 401 unless it carries a valid token (header, or ?access_token for browsers). */
@ApplicationScoped
public class TokenUpgradeCheck implements HttpUpgradeCheck {
  private final TokenVerifier verifier;

  public TokenUpgradeCheck(TokenVerifier verifier) { this.verifier = verifier; }

  @Override
  public Uni<CheckResult> perform(HttpUpgradeContext context) {
    try {
      verify(verifier, context.httpRequest().getHeader("Authorization"), context.httpRequest().getParam("access_token"));
      return CheckResult.permitUpgrade();
    } catch (TokenVerifier.Unauthorized e) {
      // Close after the refusal: a refused upgrade leaves nothing to keep the connection alive for.
      return CheckResult.rejectUpgrade(401, Map.of("Connection", List.of("close"), "WWW-Authenticate", List.of("Bearer")));
    }
  }

  /** The principal of the bearer header, else of the access_token query parameter. */
  static Principal verify(TokenVerifier verifier, String authorization, String accessToken) {
    String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : accessToken;
    return verifier.verify(token);
  }
}
