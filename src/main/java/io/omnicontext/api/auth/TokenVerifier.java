package io.omnicontext.api.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Channels;
import io.omnicontext.domain.CustomerKey;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies HS256 JWTs with OMNICONTEXT_JWT_SECRET (local and test runs; RS256/JWKS comes with the
 * security issue). Only HS256 is accepted: "none" and every other alg are refused. Pure CPU work,
 * safe on the event loop.
 */
@ApplicationScoped
public class TokenVerifier {
  private static final Base64.Decoder B64 = Base64.getUrlDecoder();
  private static final int MAX_TOKEN = 8192;

  private final ObjectMapper json;
  private final byte[] secret;
  private final Clock clock = Clock.systemUTC();

  public TokenVerifier(ObjectMapper json, OmnicontextConfig config) {
    this.json = json;
    this.secret = config.jwtSecret().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
  }

  /** Refuses to start without a usable secret: one clear line instead of 401s for everyone. */
  void check(@Observes StartupEvent e) {
    if (secret.length < 32) {
      throw new IllegalStateException("OMNICONTEXT_JWT_SECRET must be set to at least 32 bytes (it is " + secret.length + ")");
    }
  }

  /** The principal of a valid, unexpired token. */
  public Principal verify(String token) {
    if (token == null || token.isBlank()) throw new Unauthorized("a bearer token is required");
    if (token.length() > MAX_TOKEN) throw new Unauthorized("the token is too long");
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) throw new Unauthorized("the token is not a JWT");
    JsonNode header = decode(parts[0]);
    if (!"HS256".equals(header.path("alg").asText())) throw new Unauthorized("only HS256 tokens are accepted here");
    byte[] expected = hmac(parts[0] + "." + parts[1]);
    byte[] given;
    try {
      given = B64.decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new Unauthorized("the token signature is not base64url");
    }
    if (!MessageDigest.isEqual(expected, given)) throw new Unauthorized("the token signature is invalid");
    JsonNode claims = decode(parts[1]);
    if (!claims.path("exp").isNumber()) throw new Unauthorized("the token has no exp");
    Instant exp = Instant.ofEpochSecond(claims.path("exp").asLong());
    if (!exp.isAfter(clock.instant())) throw new Unauthorized("the token expired");
    String tenant = claims.path("tenant").asText(null);
    if (!CustomerKey.isTenant(tenant)) throw new Unauthorized("the token has no valid tenant");
    String sub = claims.path("sub").asText(null);
    if (sub == null || sub.isBlank() || sub.length() > 256) throw new Unauthorized("the token has no sub");
    Set<String> groups = new LinkedHashSet<>();
    claims.path("groups").forEach(g -> { if (Principal.ROLES.contains(g.asText())) groups.add(g.asText()); });
    if (groups.isEmpty()) throw new Unauthorized("the token has no known group (agent, supervisor, integration, customer)");
    String customerId = claims.path("customer_id").asText(null);
    if (groups.equals(Set.of("customer")) && !CustomerKey.isCustomerId(customerId)) throw new Unauthorized("a customer token needs customer_id");
    String channel = claims.path("channel").asText(null);
    if (!Channels.isChannel(channel)) channel = groups.contains("integration") ? "system" : "web";
    return new Principal(sub, tenant, Set.copyOf(groups), channel, customerId, exp);
  }

  private JsonNode decode(String part) {
    try {
      JsonNode n = json.readTree(B64.decode(part));
      if (n == null || !n.isObject()) throw new Unauthorized("the token is not a JWT");
      return n;
    } catch (Unauthorized u) {
      throw u;
    } catch (Exception e) {
      throw new Unauthorized("the token is not a JWT");
    }
  }

  private byte[] hmac(String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
    }
  }

  /** A missing, malformed, forged or expired token: HTTP 401, WebSocket refused or closed 4401. */
  public static final class Unauthorized extends RuntimeException {
    public Unauthorized(String detail) { super(detail, null, false, false); }
  }
}
