package io.omnicontext.it;

import static io.omnicontext.testing.Jose.jwk;
import static io.omnicontext.testing.Jose.jwkSet;
import static io.omnicontext.testing.Jose.rsa;
import static io.omnicontext.testing.Jose.sign;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Production's token mode on the packaged jar: RS256 against a JWKS URL, configured by exactly the environment the
 * prod overlay sets (MP_JWT_VERIFY_PUBLICKEY_LOCATION, MP_JWT_VERIFY_ISSUER, MP_JWT_VERIFY_AUDIENCES, no
 * OMNICONTEXT_JWT_SECRET). The JWKS is served on loopback by this test from keys it generates; the provider
 * rotating its key is a second key with a new kid added to that JWKS.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RsaTokensIT {
  private static final String ISSUER = "https://idp.example.test/realms/shop";
  private static final String AUDIENCE = "omnicontext";
  private static final KeyPair FIRST = rsa();
  private static final KeyPair ROTATED = rsa();
  private static final KeyPair ATTACKER = rsa();
  private static final AtomicReference<String> jwks = new AtomicReference<>(jwkSet(jwk(FIRST, "k1")));
  private static HttpServer keys;
  private static Nodes.Node node;

  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");

  @BeforeAll
  static void serveKeysAndStartAnRs256Node() throws Exception {
    keys = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    keys.createContext("/jwks", ex -> {
      byte[] b = jwks.get().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (var out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    keys.start();
    node = Nodes.startExtra("rsa", rs256Env(null));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.process().destroy();
    keys.stop(0);
  }

  /**
   * The prod overlay's variables but {@code missing} (left unset; an empty value is a configuration error of its own);
   * OMNICONTEXT_JWT_SECRET blank, as unset (Nodes sets it for every other node).
   */
  private static Map<String, String> rs256Env(String missing) {
    var env = new java.util.HashMap<>(Map.of("OMNICONTEXT_JWT_SECRET", "",
        "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "http://127.0.0.1:" + keys.getAddress().getPort() + "/jwks",
        "MP_JWT_VERIFY_ISSUER", ISSUER, "MP_JWT_VERIFY_AUDIENCES", AUDIENCE));
    env.remove(missing);
    return env;
  }

  // Runs first: smallrye-jwt refetches the JWKS for an unknown kid at most once a minute, and a later test's forged
  // kid must not be the one that spent it. Defect guarded: a rotated key is refused until the next scheduled refresh.
  @Test
  @Order(1)
  void a_token_of_the_published_key_is_served_and_a_key_added_with_a_new_kid_is_accepted_on_rotation() {
    Client agent = client(rs256(FIRST, "k1", claims(ISSUER, AUDIENCE, future())));
    assertEquals(1, agent.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada")))).path("version").asLong());
    assertEquals("Ada", agent.context(customer).path("profile").path("name").asText());
    try (Client.Stream ws = agent.stream()) {
      ws.subscribe(customer); // the WebSocket handshake verifies the same way (off the event loop, keys being remote)
    }

    jwks.set(jwkSet(jwk(FIRST, "k1"), jwk(ROTATED, "k2"))); // the provider publishes k2 and starts signing with it
    Client rotated = client(rs256(ROTATED, "k2", claims(ISSUER, AUDIENCE, future())));
    // jose4j skips a refetch asked for within 300 ms of the last one; a real rotation comes long after the first fetch.
    await("a token of the new key, once it is published").pollDelay(Duration.ofMillis(400)).pollInterval(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(75)).until(() -> rotated.get(contextPath()).status() == 200);
    assertEquals(200, agent.get(contextPath()).status(), "tokens of the first key still pass while it is published");
  }

  @Test
  @Order(2)
  void wrong_issuer_wrong_audience_expired_foreign_key_HS256_with_the_public_key_and_alg_none_are_401() {
    String good = claims(ISSUER, AUDIENCE, future());
    byte[] publicKey = FIRST.getPublic().getEncoded();
    byte[] modulus = ((RSAPublicKey) FIRST.getPublic()).getModulus().toByteArray();
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("another issuer", rs256(FIRST, "k1", claims("https://idp.example.test/realms/other", AUDIENCE, future())));
    refused.put("another audience", rs256(FIRST, "k1", claims(ISSUER, "another-client", future())));
    refused.put("no audience", rs256(FIRST, "k1", claims(ISSUER, null, future())));
    refused.put("expired a minute ago", rs256(FIRST, "k1", claims(ISSUER, AUDIENCE, System.currentTimeMillis() / 1000 - 60)));
    refused.put("signed by a key not published, naming k1", rs256(ATTACKER, "k1", good));
    refused.put("HS256 keyed with the public key", sign("HS256", new HmacKey(publicKey), good, Map.of("kid", "k1")));
    refused.put("HS256 keyed with the modulus", sign("HS256", new HmacKey(modulus), good, Map.of("kid", "k1")));
    refused.put("HS256 keyed with the JWKS text", sign("HS256", new HmacKey(jwks.get().getBytes(StandardCharsets.UTF_8)), good, Map.of()));
    refused.put("alg none", sign("none", null, good, Map.of("kid", "k1")));
    refused.put("an embedded jwk of the attacker", sign("RS256", ATTACKER.getPrivate(), good,
        Map.of("jwk", jwk(ATTACKER, "k1").toParams(org.jose4j.jwk.JsonWebKey.OutputControlLevel.PUBLIC_ONLY))));
    refused.put("a jku naming the attacker's keys", sign("RS256", ATTACKER.getPrivate(), good, Map.of("kid", "k1", "jku", "http://127.0.0.1:1/jwks")));
    refused.put("HS256 with the test secret (HS256 is not this mode)", Tokens.mint(tenant, "agent", "ada", "voice", null));
    for (var e : refused.entrySet()) {
      Client.Answer a = client(e.getValue()).get(contextPath());
      assertEquals(401, a.status(), e.getKey() + ": " + a.body());
      assertEquals("unauthorized", a.body().path("code").asText(), e.getKey());
    }
    int valid = client(rs256(FIRST, "k1", good)).get(contextPath()).status();
    assertTrue(valid == 200 || valid == 404, "the same claims, signed right, are served (" + valid + ")");
  }

  /** Defect guarded: without issuer and audiences smallrye-jwt checks neither, so tokens for any client of the realm passed. */
  @Test
  @Order(3)
  void a_node_with_a_key_but_no_issuer_or_audiences_refuses_to_start_saying_which() throws Exception {
    for (String missing : List.of("MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES")) {
      String name = "rsa-no-" + missing.substring(missing.lastIndexOf('_') + 1).toLowerCase();
      assertThrows(Throwable.class, () -> Nodes.startExtra(name, rs256Env(missing)), "a node without " + missing + " started");
      String log = Files.readString(Path.of("target", "it-" + name + ".log"));
      assertTrue(log.contains("need their issuer and audience checked") && log.contains(missing), log.length() > 4000 ? log.substring(0, 4000) : log);
    }
  }

  // ---- tokens ----

  private String contextPath() { return "/v1/customers/" + customer + "/context"; }

  private static Client client(String token) { return new Client(node, token); }

  private static long future() { return System.currentTimeMillis() / 1000 + 600; }

  /** An agent's claims as an OIDC provider issues them (iss, aud, groups), for this test's tenant. */
  private String claims(String iss, String aud, long exp) {
    return "{\"sub\":\"agent-ada\",\"tenant\":\"" + tenant + "\",\"groups\":[\"agent\"],\"channel\":\"voice\",\"iss\":\"" + iss + "\""
        + (aud == null ? "" : ",\"aud\":\"" + aud + "\"") + ",\"iat\":" + (System.currentTimeMillis() / 1000) + ",\"exp\":" + exp + "}";
  }

  private static String rs256(KeyPair key, String kid, String claims) { return sign("RS256", key.getPrivate(), claims, Map.of("kid", kid)); }
}
