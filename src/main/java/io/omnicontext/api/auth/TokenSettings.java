package io.omnicontext.api.auth;

import io.omnicontext.config.OmnicontextConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.config.JWTAuthContextInfoProvider;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How tokens are verified, decided by configuration alone (never by a token's header):
 * <ul>
 * <li><b>HS256</b> with OMNICONTEXT_JWT_SECRET (local and test runs, the contract's test mode) when the secret is set;</li>
 * <li><b>RS256</b> (or another asymmetric algorithm named in {@code mp.jwt.verify.publickey.algorithm}) against
 * {@code mp.jwt.verify.publickey.location} (a PEM key or a JWKS URL; a JWKS selects the key by {@code kid}),
 * with {@code mp.jwt.verify.issuer} and {@code mp.jwt.verify.audiences}, when it is not.</li>
 * </ul>
 * Both configured, or neither, refuses to start. The result replaces smallrye-jwt's own
 * {@link JWTAuthContextInfo}, so the injected {@code JWTParser} verifies exactly this way.
 */
@ApplicationScoped
public class TokenSettings {
  /** The contract's bound on clock skew: a token is refused at most 5 s after its exp. */
  public static final int MAX_CLOCK_SKEW_SECONDS = 5;
  private static final int MIN_SECRET_BYTES = 32;

  private final Optional<String> secret;
  private final Optional<String> keyLocation;
  private final Optional<String> inlineKey;

  public TokenSettings(OmnicontextConfig config,
      @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> keyLocation,
      @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> inlineKey) {
    this.secret = config.jwtSecret().filter(s -> !s.isBlank());
    this.keyLocation = keyLocation.filter(s -> !s.isBlank() && !"NONE".equals(s));
    this.inlineKey = inlineKey.filter(s -> !s.isBlank() && !"NONE".equals(s));
  }

  /** True when keys come over HTTP (a JWKS URL): fetching them may block, so verification runs off the event loop. */
  public boolean remoteKeys() {
    return secret.isEmpty() && keyLocation.map(l -> l.startsWith("http:") || l.startsWith("https:")).orElse(false);
  }

  /** Refuses to start on a bad token configuration: one clear line instead of 401s for everyone. */
  void check(@Observes StartupEvent e, JWTAuthContextInfo verification) { verification.getSignatureAlgorithm(); }

  @Produces
  @Alternative
  @Priority(1)
  @ApplicationScoped
  JWTAuthContextInfo verification(JWTAuthContextInfoProvider configured) {
    JWTAuthContextInfo info = configured.getContextInfo(); // smallrye-jwt's reading of mp.jwt.* and smallrye.jwt.*
    if (secret.isPresent()) {
      if (keyLocation.isPresent()) {
        throw new IllegalStateException("configure either OMNICONTEXT_JWT_SECRET (HS256, local and test runs) or "
            + "mp.jwt.verify.publickey.location (RS256, production), not both");
      }
      return hs256(info, secret.get());
    }
    if (keyLocation.isEmpty() && inlineKey.isEmpty()) {
      throw new IllegalStateException("no token verification configured: set MP_JWT_VERIFY_PUBLICKEY_LOCATION (RS256, a PEM key "
          + "or JWKS URL) for production, or OMNICONTEXT_JWT_SECRET (HS256, at least 32 bytes) for local and test runs");
    }
    return asymmetric(info);
  }

  /** HS256 only, with the secret; any public key configuration is set aside. Tokens need no iat (the contract lists none). */
  static JWTAuthContextInfo hs256(JWTAuthContextInfo configured, String secret) {
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_SECRET_BYTES) {
      throw new IllegalStateException("OMNICONTEXT_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes (it is " + key.length + ")");
    }
    JWTAuthContextInfo info = new JWTAuthContextInfo(configured);
    info.setPublicVerificationKey(null);
    info.setPublicKeyContent(null);
    info.setPublicKeyLocation(null);
    info.setSecretKeyContent(null);
    info.setTokenKeyId(null);
    info.setSecretVerificationKey(new SecretKeySpec(key, "HmacSHA256"));
    info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
    if (info.getMaxTimeToLiveSecs() == null) info.setMaxTimeToLiveSecs(0L);
    return checkedSkew(info);
  }

  /**
   * The configured asymmetric algorithms (RS256 by default); an HMAC algorithm here is a misconfiguration. Issuer and
   * audiences are required: without them smallrye-jwt skips both checks, and any token the provider (a whole
   * Keycloak realm) signs for any of its clients would pass.
   */
  static JWTAuthContextInfo asymmetric(JWTAuthContextInfo configured) {
    JWTAuthContextInfo info = new JWTAuthContextInfo(configured);
    requireIssuerAndAudiences(info);
    for (SignatureAlgorithm a : info.getSignatureAlgorithm()) {
      if (a.getAlgorithm().startsWith("HS")) {
        throw new IllegalStateException("a public key verifies asymmetric algorithms only, not " + a.getAlgorithm()
            + " (HS256 is OMNICONTEXT_JWT_SECRET's mode)");
      }
    }
    info.setSecretVerificationKey(null);
    info.setSecretKeyContent(null);
    return checkedSkew(info);
  }

  private static void requireIssuerAndAudiences(JWTAuthContextInfo info) {
    boolean issuer = info.getIssuedBy() != null && !info.getIssuedBy().isBlank() && !"NONE".equals(info.getIssuedBy());
    boolean audiences = info.getExpectedAudience() != null
        && info.getExpectedAudience().stream().anyMatch(a -> a != null && !a.isBlank());
    if (issuer && audiences) return;
    throw new IllegalStateException("RS256 tokens need their issuer and audience checked: set "
        + (issuer ? "" : "MP_JWT_VERIFY_ISSUER (mp.jwt.verify.issuer, the provider's issuer URL)")
        + (issuer || audiences ? "" : " and ")
        + (audiences ? "" : "MP_JWT_VERIFY_AUDIENCES (mp.jwt.verify.audiences, this service's client id)")
        + "; without them a token the provider issued for any other client would pass");
  }

  private static JWTAuthContextInfo checkedSkew(JWTAuthContextInfo info) {
    int skew = Math.max(info.getClockSkew(), info.getExpGracePeriodSecs());
    if (skew > MAX_CLOCK_SKEW_SECONDS) {
      throw new IllegalStateException("mp.jwt.verify.clock.skew is " + skew + " s; at most " + MAX_CLOCK_SKEW_SECONDS + " s is allowed");
    }
    return info;
  }
}
