package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Issue 9's defects 4 and 7, each against a live node, each failing without its fix. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SecurityDefectsIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");
  private final Client agent = new Client(Nodes.one(), Tokens.mint(tenant, "agent", "agent-secret-sub", "voice", null));

  @Test
  void an_SSE_stream_ends_within_10_s_of_its_tokens_exp() throws Exception {
    agent.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    long exp = System.currentTimeMillis() / 1000 + 3;
    String shortLived = Tokens.mint(tenant, "customer", "app", "web", customer, exp);
    HttpResponse<java.util.stream.Stream<String>> sse = HTTP.send(HttpRequest.newBuilder(
        Nodes.one().base().resolve("/v1/customers/" + customer + "/events?after=0&access_token=" + shortLived))
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, sse.statusCode());
    long deadline = (exp + 10) * 1000 - System.currentTimeMillis() + 2000;
    List<String> lines = CompletableFuture.supplyAsync(() -> sse.body().collect(Collectors.toList()))
        .orTimeout(deadline, TimeUnit.MILLISECONDS).join(); // returns only once the server ended the stream
    assertTrue(lines.contains("id:1") || lines.contains("id: 1"), "the stream delivered before it ended: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.replace(" ", "").equals("event:unauthorized")), "it ended saying why: " + lines);

    // Reconnecting with the same token is refused once the clock skew allowed past exp (at most 5 s) is over.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> HTTP.send(HttpRequest.newBuilder(
        Nodes.one().base().resolve("/v1/customers/" + customer + "/events?after=1&access_token=" + shortLived))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 401);
  }

  /**
   * Defect guarded: a WebSocket outlived its token's exp (StreamSession's expiry timer). The client then reconnects with
   * a fresh token and resumes with after: every change once, in order, the ones written while it was away included.
   */
  @Test
  void a_websocket_closes_with_4401_within_10_s_of_its_tokens_exp_and_a_fresh_token_resumes_with_after() {
    agent.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    long exp = System.currentTimeMillis() / 1000 + 3;
    Client shortLived = new Client(Nodes.one(), Tokens.mint(tenant, "customer", "app", "web", customer, exp));
    List<Long> seen = new java.util.ArrayList<>();
    try (Client.Stream ws = shortLived.stream()) {
      ws.subscribe(customer);
      agent.on(Nodes.two()).commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Bea"))));
      ws.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == 2, "v2, live before exp");
      await("the server closes the socket within 10 s of exp").atMost(Duration.ofMillis((exp + 10) * 1000 - System.currentTimeMillis()))
          .pollInterval(Duration.ofMillis(100)).until(() -> ws.closedWith() != null);
      assertTrue(ws.closedWith().startsWith("4401"), "closed with " + ws.closedWith());
      seen.addAll(ws.versions(customer));
    }
    assertEquals(List.of(2L), seen, "the live change before exp");

    agent.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Cleo")))); // while it is away
    Client fresh = new Client(Nodes.three(), Tokens.mint(tenant, "customer", "app", "web", customer));
    try (Client.Stream ws = fresh.stream()) {
      ws.send(Map.of("type", "subscribe", "customerId", customer, "after", seen.get(seen.size() - 1)));
      ws.await(f -> f.path("type").asText().equals("subscribed"), "subscribed again");
      agent.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Dana"))));
      ws.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == 4, "v4, live after the resume");
      assertEquals(List.of(3L, 4L), ws.versions(customer), "the missed change replayed, then live: none lost, none twice");
      assertTrue(ws.frames.stream().noneMatch(f -> f.path("type").asText().equals("snapshot")), "resumed, not resynced: " + ws.frames);
    }
  }

  @Test
  void an_idempotent_answer_rendered_for_an_agent_is_not_replayed_to_a_customer_token() {
    Client app = new Client(Nodes.two(), Tokens.mint(tenant, "customer", "app", "web", customer));
    List<Map<String, Object>> ops = List.of(Map.of("op", "preference.set", "key", "consent.marketing", "value", true));
    Client.Answer first = agent.post(customer, ops, "key-shared");
    assertEquals(200, first.status());
    assertEquals("agent-secret-sub", first.body().path("changes").get(0).path("actor").path("sub").asText());

    Client.Answer replay = app.post(customer, ops, "key-shared");
    assertEquals(200, replay.status(), replay.body().toString());
    assertFalse(replay.body().toString().contains("agent-secret-sub"), "the customer replay names no agent: " + replay.body());
    JsonNode change = replay.body().path("changes").get(0);
    assertEquals(first.body().path("version").asLong(), replay.body().path("version").asLong(), "the same first answer");
    assertEquals("voice", change.path("actor").path("channel").asText());
    assertFalse(change.path("actor").has("sub"));
    assertEquals(1, agent.context(customer).path("version").asLong(), "the replay committed nothing");

    Client.Answer staffReplay = agent.on(Nodes.three()).post(customer, ops, "key-shared");
    assertEquals(first.body(), staffReplay.body(), "a staff retry gets the very first answer");
  }

  @Test
  void a_token_with_exp_1e300_is_401_not_500() throws Exception {
    String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    String claims = b64("{\"sub\":\"a\",\"tenant\":\"" + tenant + "\",\"groups\":[\"agent\"],\"channel\":\"voice\",\"exp\":1e300}");
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(Nodes.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
    String token = header + "." + claims + "." + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal((header + "." + claims).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    Client.Answer a = new Client(Nodes.one(), token).get("/v1/customers/" + customer + "/context");
    assertEquals(401, a.status(), a.body().toString());
    assertEquals("unauthorized", a.body().path("code").asText());
  }

  private static String b64(String s) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
