package io.omnicontext.api.ws;

import io.omnicontext.api.auth.Principal;
import io.omnicontext.api.auth.TokenVerifier;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Refuses the WebSocket handshake with 401 unless it carries a valid token (header, or ?access_token for browsers);
 * the verified principal rides to the connection in its user data.
 */
@ApplicationScoped
public class TokenUpgradeCheck implements HttpUpgradeCheck {
  static final TypedKey<Principal> PRINCIPAL = new TypedKey<>("omnicontext.principal");

  private final TokenVerifier verifier;

  public TokenUpgradeCheck(TokenVerifier verifier) { this.verifier = verifier; }

  @Override
  public Uni<CheckResult> perform(HttpUpgradeContext context) {
    return verifier.verifyAsync(token(context.httpRequest().getHeader("Authorization"), context.httpRequest().getParam("access_token")))
        .map(p -> {
          context.userData().put(PRINCIPAL, p);
          return CheckResult.permitUpgradeSync();
        })
        // Close after the refusal: a refused upgrade leaves nothing to keep the connection alive for.
        .onFailure(TokenVerifier.Unauthorized.class).recoverWithItem(() -> CheckResult.rejectUpgradeSync(401,
            Map.of("Connection", List.of("close"), "WWW-Authenticate", List.of("Bearer"))));
  }

  /** The bearer header's token, else the access_token query parameter. */
  static String token(String authorization, String accessToken) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : accessToken;
  }
}
