package io.omnicontext.api.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.omnicontext.testing.Jose;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every token kind the service must refuse, against smallrye-jwt configured as {@link TokenSettings} configures it:
 * HS256 with the secret (local and test runs) and RS256 against a PEM key or a JWKS URL (production). RSA key pairs
 * are generated here, for this test only; the JWKS is served by a real HTTP server on loopback.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TokenVerifierTests {
  static final String SECRET = "omnicontext-test-secret-0123456789abcdef";
  static final String ISSUER = "https://idp.example.test/realms/shop";
  static final String AUDIENCE = "omnicontext";

  static final KeyPair SERVICE_KEY = rsa();
  static final KeyPair ROTATED_KEY = rsa();
  static final KeyPair ATTACKER_KEY = rsa();

  static HttpServer http;
  static final AtomicReference<String> jwks = new AtomicReference<>();
  static final AtomicInteger attackerHits = new AtomicInteger();

  @BeforeAll
  static void serveKeys() throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jwks.set(jwkSet(jwk(SERVICE_KEY, "k1")));
    http.createContext("/jwks", ex -> respond(ex, jwks.get()));
    http.createContext("/attacker-jwks", ex -> {
      attackerHits.incrementAndGet();
      respond(ex, jwkSet(jwk(ATTACKER_KEY, "k1")));
    });
    http.start();
  }

  @AfterAll
  static void stopServing() { http.stop(0); }

  // ---- configuration as TokenSettings builds it ----

  /** What smallrye-jwt reads from this service's application.properties (mp.jwt.verify.clock.skew=5). */
  static JWTAuthContextInfo configured() {
    JWTAuthContextInfo info = new JWTAuthContextInfo();
    info.setClockSkew(TokenSettings.MAX_CLOCK_SKEW_SECONDS);
    return info;
  }

  static TokenVerifier hs256Verifier() {
    return new TokenVerifier(new DefaultJWTParser(TokenSettings.hs256(configured(), SECRET)), false, null, java.time.Clock.systemUTC());
  }

  static JWTAuthContextInfo production() {
    JWTAuthContextInfo info = configured();
    info.setIssuedBy(ISSUER);
    info.setExpectedAudience(Set.of(AUDIENCE));
    return info;
  }

  static TokenVerifier pemVerifier() {
    JWTAuthContextInfo info = production();
    info.setPublicKeyContent(Base64.getEncoder().encodeToString(SERVICE_KEY.getPublic().getEncoded()));
    return new TokenVerifier(new DefaultJWTParser(TokenSettings.asymmetric(info)), false, null, java.time.Clock.systemUTC());
  }

  static TokenVerifier jwksVerifier() {
    JWTAuthContextInfo info = production();
    info.setPublicKeyLocation("http://127.0.0.1:" + http.getAddress().getPort() + "/jwks");
    return new TokenVerifier(new DefaultJWTParser(TokenSettings.asymmetric(info)), false, null, java.time.Clock.systemUTC());
  }

  // ---- tokens ----

  static String claims(String extra) {
    long now = Instant.now().getEpochSecond();
    return "{\"sub\":\"agent-ada\",\"tenant\":\"t1\",\"groups\":[\"agent\"],\"channel\":\"voice\",\"iat\":" + now
        + ",\"exp\":" + (now + 600) + extra + "}";
  }

  static String productionClaims() { return claims(",\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\""); }

  static String sign(String alg, Key key, String payload, Map<String, Object> headers) { return Jose.sign(alg, key, payload, headers); }

  static String hs256(String payload) { return sign("HS256", new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)), payload, Map.of()); }

  static String rs256(KeyPair key, String kid, String payload) {
    return sign("RS256", key.getPrivate(), payload, kid == null ? Map.of() : Map.of("kid", kid));
  }

  static void refused(TokenVerifier verifier, String token) {
    assertThrows(TokenVerifier.Unauthorized.class, () -> verifier.verify(token));
  }

  @Nested
  class Local_and_test_runs_verify_HS256_with_the_secret {
    @Test
    void a_valid_token_becomes_the_principal() {
      Principal p = hs256Verifier().verify(hs256(claims(",\"customer_id\":\"c-1\"")));
      assertEquals("agent-ada", p.sub());
      assertEquals("t1", p.tenant());
      assertEquals(Set.of("agent"), p.groups());
      assertEquals("voice", p.channel());
      assertEquals("c-1", p.customerId());
      assertTrue(p.tokenId().startsWith("sha:"));
    }

    @Test
    void a_token_without_iat_is_accepted_as_the_contract_lists_no_iat() {
      long exp = Instant.now().getEpochSecond() + 600;
      hs256Verifier().verify(hs256("{\"sub\":\"a\",\"tenant\":\"t1\",\"groups\":[\"agent\"],\"exp\":" + exp + "}"));
    }

    @Test
    void alg_none_is_refused() { refused(hs256Verifier(), sign("none", null, claims(""), Map.of())); }

    @Test
    void another_secret_is_refused() {
      refused(hs256Verifier(), sign("HS256", new HmacKey("x".repeat(40).getBytes(StandardCharsets.UTF_8)), claims(""), Map.of()));
    }

    @Test
    void an_RS256_token_is_refused_even_with_a_valid_signature() { refused(hs256Verifier(), rs256(SERVICE_KEY, null, claims(""))); }

    @Test
    void a_tampered_payload_is_refused() {
      String[] good = hs256(claims("")).split("\\.");
      String other = Base64.getUrlEncoder().withoutPadding().encodeToString(claims(",\"customer_id\":\"c-2\"").getBytes(StandardCharsets.UTF_8));
      refused(hs256Verifier(), good[0] + "." + other + "." + good[2]);
    }

    @Test
    void an_exp_of_1e300_is_refused_not_overflowed() {
      refused(hs256Verifier(), hs256("{\"sub\":\"a\",\"tenant\":\"t1\",\"groups\":[\"agent\"],\"exp\":1e300}"));
    }

    @Test
    void a_token_expired_beyond_the_5_s_skew_is_refused_and_one_within_it_accepted() {
      long now = Instant.now().getEpochSecond();
      refused(hs256Verifier(), hs256("{\"sub\":\"a\",\"tenant\":\"t1\",\"groups\":[\"agent\"],\"exp\":" + (now - 30) + "}"));
      hs256Verifier().verify(hs256("{\"sub\":\"a\",\"tenant\":\"t1\",\"groups\":[\"agent\"],\"exp\":" + (now - 1) + "}"));
    }

    @Test
    void tokens_without_exp_tenant_groups_or_customer_id_are_refused() {
      long exp = Instant.now().getEpochSecond() + 600;
      for (String payload : List.of("{\"sub\":\"a\",\"tenant\":\"t1\",\"groups\":[\"agent\"]}",
          "{\"sub\":\"a\",\"groups\":[\"agent\"],\"exp\":" + exp + "}",
          "{\"sub\":\"a\",\"tenant\":\"t1\",\"groups\":[\"admin\"],\"exp\":" + exp + "}",
          "{\"sub\":\"a\",\"tenant\":\"t1\",\"groups\":[\"customer\"],\"exp\":" + exp + "}",
          "{\"sub\":\"a\",\"tenant\":7,\"groups\":[\"agent\"],\"exp\":" + exp + "}")) {
        refused(hs256Verifier(), hs256(payload));
      }
    }

    @Test
    void garbage_is_refused() {
      for (String t : List.of("", "not-a-jwt", "a.b.c", "....", "x".repeat(9000), "eyJhbGciOiJIUzI1NiJ9.e30.")) refused(hs256Verifier(), t);
    }
  }

  @Nested
  class Production_verifies_RS256_against_a_public_key {
    @Test
    void a_token_signed_by_the_configured_key_with_issuer_and_audience_is_accepted() {
      assertEquals("agent-ada", pemVerifier().verify(rs256(SERVICE_KEY, null, productionClaims())).sub());
    }

    @Test
    void HS256_signed_with_the_public_key_as_secret_is_refused() {
      byte[] der = SERVICE_KEY.getPublic().getEncoded();
      String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
      for (byte[] secret : List.of(der, pem.getBytes(StandardCharsets.US_ASCII), Base64.getEncoder().encode(der))) {
        refused(pemVerifier(), sign("HS256", new HmacKey(secret), productionClaims(), Map.of()));
      }
    }

    @Test
    void alg_none_is_refused() { refused(pemVerifier(), sign("none", null, productionClaims(), Map.of())); }

    @Test
    void another_key_is_refused_whatever_kid_it_names() {
      refused(pemVerifier(), rs256(ATTACKER_KEY, null, productionClaims()));
      refused(pemVerifier(), rs256(ATTACKER_KEY, "k1", productionClaims()));
    }

    @Test
    void an_embedded_jwk_header_is_not_trusted() {
      refused(pemVerifier(), sign("RS256", ATTACKER_KEY.getPrivate(), productionClaims(), Map.of("jwk", jwk(ATTACKER_KEY, "k1").toParams(
          org.jose4j.jwk.JsonWebKey.OutputControlLevel.PUBLIC_ONLY))));
    }

    @Test
    void a_jku_header_is_not_followed() {
      String jku = "http://127.0.0.1:" + http.getAddress().getPort() + "/attacker-jwks";
      int before = attackerHits.get();
      refused(pemVerifier(), sign("RS256", ATTACKER_KEY.getPrivate(), productionClaims(), Map.of("jku", jku, "kid", "k1")));
      refused(jwksVerifier(), sign("RS256", ATTACKER_KEY.getPrivate(), productionClaims(), Map.of("jku", jku, "kid", "k1")));
      assertEquals(before, attackerHits.get(), "the service never fetched the jku URL");
    }

    @Test
    void another_issuer_or_audience_is_refused() {
      refused(pemVerifier(), rs256(SERVICE_KEY, null, claims(",\"iss\":\"https://evil.test\",\"aud\":\"" + AUDIENCE + "\"")));
      refused(pemVerifier(), rs256(SERVICE_KEY, null, claims(",\"iss\":\"" + ISSUER + "\",\"aud\":\"another-service\"")));
      refused(pemVerifier(), rs256(SERVICE_KEY, null, claims("")));
    }
  }

  @Nested
  class Production_with_a_JWKS_selects_the_key_by_kid {
    @Test
    void tokens_of_each_published_key_are_accepted_and_a_new_key_is_picked_up_on_rotation() {
      jwks.set(jwkSet(jwk(SERVICE_KEY, "k1")));
      TokenVerifier verifier = jwksVerifier();
      verifier.verify(rs256(SERVICE_KEY, "k1", productionClaims()));
      jwks.set(jwkSet(jwk(SERVICE_KEY, "k1"), jwk(ROTATED_KEY, "k2"))); // the provider rotates: k2 published
      String signedByK2 = rs256(ROTATED_KEY, "k2", productionClaims());
      // jose4j ignores a refresh asked for within 300 ms of the last fetch; real rotations are hours apart.
      await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertEquals("agent-ada", verifier.verify(signedByK2).sub()));
      verifier.verify(rs256(SERVICE_KEY, "k1", productionClaims()));
    }

    @Test
    void a_kid_naming_one_key_with_the_signature_of_another_is_refused() {
      jwks.set(jwkSet(jwk(SERVICE_KEY, "k1"), jwk(ROTATED_KEY, "k2")));
      TokenVerifier verifier = jwksVerifier();
      refused(verifier, rs256(ROTATED_KEY, "k1", productionClaims()));
      refused(verifier, rs256(ATTACKER_KEY, "k2", productionClaims()));
    }

    @Test
    void an_unknown_or_crafted_kid_is_refused() {
      jwks.set(jwkSet(jwk(SERVICE_KEY, "k1"), jwk(ROTATED_KEY, "k2")));
      TokenVerifier verifier = jwksVerifier();
      for (String kid : List.of("k3", "../../etc/passwd", "' OR '1'='1", "")) refused(verifier, rs256(ATTACKER_KEY, kid, productionClaims()));
      refused(verifier, rs256(SERVICE_KEY, "k3", productionClaims()));
    }

    @Test
    void HS256_signed_with_a_published_modulus_is_refused() {
      jwks.set(jwkSet(jwk(SERVICE_KEY, "k1")));
      byte[] modulus = ((RSAPublicKey) SERVICE_KEY.getPublic()).getModulus().toByteArray();
      refused(jwksVerifier(), sign("HS256", new HmacKey(modulus), productionClaims(), Map.of("kid", "k1")));
      refused(jwksVerifier(), sign("HS256", new HmacKey(jwks.get().getBytes(StandardCharsets.UTF_8)), productionClaims(), Map.of("kid", "k1")));
    }
  }

  @Nested
  class The_configuration_pins_the_algorithm {
    @Test
    void an_HMAC_algorithm_with_a_public_key_refuses_to_start() {
      JWTAuthContextInfo info = production();
      info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
      assertThrows(IllegalStateException.class, () -> TokenSettings.asymmetric(info));
    }

    @Test
    void a_clock_skew_over_5_s_refuses_to_start() {
      JWTAuthContextInfo info = new JWTAuthContextInfo(); // smallrye's default skew is 60 s
      assertThrows(IllegalStateException.class, () -> TokenSettings.hs256(info, SECRET));
      info.setIssuedBy(ISSUER);
      info.setExpectedAudience(Set.of(AUDIENCE));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> TokenSettings.asymmetric(info));
      assertTrue(e.getMessage().contains("clock.skew"), e.getMessage());
    }

    /** Defect guarded: smallrye-jwt skips the iss and aud checks when they are unset, so any client's token of the realm passed. */
    @Test
    void a_public_key_without_issuer_or_audiences_refuses_to_start_naming_what_is_missing() {
      JWTAuthContextInfo neither = configured();
      neither.setPublicKeyContent(Base64.getEncoder().encodeToString(SERVICE_KEY.getPublic().getEncoded()));
      String both = assertThrows(IllegalStateException.class, () -> TokenSettings.asymmetric(neither)).getMessage();
      assertTrue(both.contains("MP_JWT_VERIFY_ISSUER") && both.contains("MP_JWT_VERIFY_AUDIENCES"), both);

      JWTAuthContextInfo noAudience = production();
      noAudience.setExpectedAudience(null);
      String audience = assertThrows(IllegalStateException.class, () -> TokenSettings.asymmetric(noAudience)).getMessage();
      assertTrue(audience.contains("MP_JWT_VERIFY_AUDIENCES") && !audience.contains("MP_JWT_VERIFY_ISSUER"), audience);

      JWTAuthContextInfo blankAudience = production();
      blankAudience.setExpectedAudience(Set.of(" "));
      assertThrows(IllegalStateException.class, () -> TokenSettings.asymmetric(blankAudience));

      JWTAuthContextInfo noIssuer = production();
      noIssuer.setIssuedBy(null);
      String issuer = assertThrows(IllegalStateException.class, () -> TokenSettings.asymmetric(noIssuer)).getMessage();
      assertTrue(issuer.contains("MP_JWT_VERIFY_ISSUER") && !issuer.contains("MP_JWT_VERIFY_AUDIENCES"), issuer);

      TokenSettings.asymmetric(production()); // both set: starts
    }

    @Test
    void a_short_secret_refuses_to_start() {
      assertThrows(IllegalStateException.class, () -> TokenSettings.hs256(configured(), "too-short"));
    }

    @Test
    void HS256_mode_sets_any_configured_public_key_aside() {
      JWTAuthContextInfo info = configured();
      info.setPublicKeyContent(Base64.getEncoder().encodeToString(SERVICE_KEY.getPublic().getEncoded()));
      TokenVerifier verifier = new TokenVerifier(new DefaultJWTParser(TokenSettings.hs256(info, SECRET)), false, null, java.time.Clock.systemUTC());
      refused(verifier, rs256(SERVICE_KEY, null, claims("")));
      verifier.verify(hs256(claims("")));
    }
  }

  // ---- helpers ----

  static KeyPair rsa() { return Jose.rsa(); }

  static RsaJsonWebKey jwk(KeyPair pair, String kid) { return Jose.jwk(pair, kid); }

  static String jwkSet(RsaJsonWebKey... keys) { return Jose.jwkSet(keys); }

  private static void respond(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, b.length);
    try (var out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
