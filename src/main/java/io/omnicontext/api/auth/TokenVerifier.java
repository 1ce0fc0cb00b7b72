package io.omnicontext.api.auth;

import io.omnicontext.config.Digest;
import io.omnicontext.domain.Channels;
import io.omnicontext.domain.CustomerKey;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Turns a bearer token into the app's {@link Principal}: smallrye-jwt verifies signature, algorithm (pinned by
 * {@link TokenSettings}), exp (with at most 5 s of skew), issuer and audience; this class checks the claims the
 * contract adds (tenant, groups, customer_id). Usable outside the HTTP security layer, since the WebSocket
 * handshake and SSE take the token from {@code ?access_token} too. A token that passed is remembered for a while
 * ({@link VerifiedTokens}), so a caller's next requests skip the signature check.
 */
@ApplicationScoped
public class TokenVerifier {
  private static final int MAX_TOKEN = 8192;
  /** The last second of year 9999: an exp past it (such as 1e300) is refused rather than overflowing a date. */
  private static final long MAX_EXP = 253_402_300_799L;

  private final JWTParser parser;
  private final boolean remoteKeys;
  private final Vertx vertx;
  private final VerifiedTokens verified;

  @Inject
  public TokenVerifier(JWTParser parser, TokenSettings settings, Vertx vertx, java.time.Clock clock) {
    this(parser, settings.remoteKeys(), vertx, clock);
  }

  /** For tests: a parser over a given verification, keys local. */
  TokenVerifier(JWTParser parser, boolean remoteKeys, Vertx vertx, java.time.Clock clock) {
    this.verified = new VerifiedTokens(clock::millis);
    this.parser = parser;
    this.remoteKeys = remoteKeys;
    this.vertx = vertx;
  }

  /**
   * The principal, verified where it does not block the event loop: with keys from a JWKS URL the parser may fetch
   * them (on a new kid or when the cache ages), so it runs on a worker and answers on the caller's context.
   */
  public Uni<Principal> verifyAsync(String token) {
    if (!remoteKeys) return Uni.createFrom().item(() -> verify(token));
    return Uni.createFrom().completionStage(() -> vertx.executeBlocking(() -> verify(token), false).toCompletionStage());
  }

  /** The principal of a valid, unexpired token. On the event loop only when keys are local (see {@link #verifyAsync}). */
  public Principal verify(String token) {
    if (token == null || token.isBlank()) throw new Unauthorized("a bearer token is required");
    if (token.length() > MAX_TOKEN) throw new Unauthorized("the token is too long");
    Principal known = verified.get(token);
    if (known != null) return known;
    JsonWebToken jwt;
    try {
      jwt = parser.parse(token);
    } catch (ParseException e) {
      throw new Unauthorized("the token is invalid, expired or not signed as this service expects");
    } catch (RuntimeException e) { // a token the parser chokes on is still only a bad token
      throw new Unauthorized("the token is not a JWT");
    }
    Principal principal = principal(jwt, token);
    verified.put(token, principal);
    return principal;
  }

  private static Principal principal(JsonWebToken jwt, String token) {
    long exp = jwt.getExpirationTime();
    if (exp <= 0 || exp > MAX_EXP) throw new Unauthorized("the token's exp is out of range");
    String tenant = text(jwt, "tenant");
    if (!CustomerKey.isTenant(tenant)) throw new Unauthorized("the token has no valid tenant");
    String sub = jwt.getSubject();
    if (sub == null || sub.isBlank() || sub.length() > 256) throw new Unauthorized("the token has no sub");
    Set<String> groups = new LinkedHashSet<>();
    for (String g : jwt.getGroups()) if (Principal.ROLES.contains(g)) groups.add(g);
    if (groups.isEmpty()) throw new Unauthorized("the token has no known group (agent, supervisor, integration, customer)");
    String customerId = text(jwt, "customer_id");
    if (groups.equals(Set.of("customer")) && !CustomerKey.isCustomerId(customerId)) throw new Unauthorized("a customer token needs customer_id");
    String channel = text(jwt, "channel");
    if (channel == null || !Channels.isChannel(channel)) channel = groups.contains("integration") ? "system" : "web";
    return new Principal(sub, tenant, Set.copyOf(groups), channel, customerId, Instant.ofEpochSecond(exp), tokenId(jwt, token));
  }

  /** What per-token limits count by: the jti when the issuer sets one, else a digest of the token itself. */
  private static String tokenId(JsonWebToken jwt, String token) {
    String jti = jwt.getTokenID();
    return jti != null && !jti.isBlank() && jti.length() <= 256 ? "jti:" + jti : "sha:" + Digest.sha256(token);
  }

  /** A string claim, whatever smallrye-jwt wrapped it in; anything else is absent. */
  private static String text(JsonWebToken jwt, String name) {
    Object v = jwt.getClaim(name);
    if (v instanceof JsonString s) return s.getString();
    return v instanceof String s ? s : null;
  }

  /** A missing, malformed, forged or expired token: HTTP 401, WebSocket refused or closed 4401. */
  public static final class Unauthorized extends RuntimeException {
    public Unauthorized(String detail) { super(detail, null, false, false); }
  }
}
