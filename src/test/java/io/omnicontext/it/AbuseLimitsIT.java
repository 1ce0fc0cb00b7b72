package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * omnicontext.limits.* on a node of its own with small limits (and its access log on): Origin allow-list, no
 * permessage-deflate, subscriptions per connection, frame rates per connection and per token (rate_limited, then
 * 4403), connections per token, the REST write rate (429 with Retry-After), no access_token in the access log.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AbuseLimitsIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static Nodes.Node node;

  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");

  @BeforeAll
  static void start() {
    node = Nodes.startExtra("limits", Map.ofEntries(
        Map.entry("OMNICONTEXT_LIMITS_WS_ALLOWED_ORIGINS", "https://shop.example,https://agents.example"),
        Map.entry("OMNICONTEXT_LIMITS_WS_MAX_SUBSCRIPTIONS", "3"),
        Map.entry("OMNICONTEXT_LIMITS_WS_MESSAGES_PER_SECOND", "1"),
        Map.entry("OMNICONTEXT_LIMITS_WS_MESSAGE_BURST", "10"),
        Map.entry("OMNICONTEXT_LIMITS_WS_TOKEN_MESSAGES_PER_SECOND", "1"),
        Map.entry("OMNICONTEXT_LIMITS_WS_TOKEN_MESSAGE_BURST", "16"),
        Map.entry("OMNICONTEXT_LIMITS_WS_REFUSALS_BEFORE_CLOSE", "5"),
        Map.entry("OMNICONTEXT_LIMITS_WS_CONNECTIONS_PER_TOKEN", "3"),
        Map.entry("OMNICONTEXT_LIMITS_REST_STAFF_WRITES_PER_SECOND", "1"),
        Map.entry("OMNICONTEXT_LIMITS_REST_STAFF_WRITE_BURST", "3"),
        Map.entry("OMNICONTEXT_LIMITS_REST_CUSTOMER_WRITES_PER_SECOND", "5"),
        Map.entry("OMNICONTEXT_LIMITS_REST_CUSTOMER_WRITE_BURST", "20"),
        Map.entry("QUARKUS_HTTP_ACCESS_LOG_ENABLED", "true")));
  }

  @AfterAll
  static void stop() { if (node != null) node.process().destroy(); }

  private String token(String role, String sub) { return Tokens.mint(tenant, role, sub, "voice", role.equals("customer") ? customer : null); }

  private Client.Stream stream(String token) { return new Client(node, token).stream(); }

  /** omnicontext_rate_limited_total of one scope on the node: every refusal below must count (it once never did). */
  private static double refusals(String scope) { return Scrape.value(node, "omnicontext_rate_limited_total", "scope=\"" + scope + "\""); }

  private static boolean rateLimited(JsonNode f) { return f.path("type").asText().equals("error") && f.path("code").asText().equals("rate_limited"); }

  @Test
  void a_browser_page_of_an_unlisted_origin_is_refused_and_listed_or_originless_clients_connect() {
    String token = token("agent", "agent-origin");
    URI uri = URI.create(node.base().toString().replaceFirst("^http", "ws") + "/v1/stream");
    CompletionException refused = assertThrows(CompletionException.class, () -> HTTP.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token).header("Origin", "https://evil.example")
        .buildAsync(uri, new WebSocket.Listener() {}).join());
    assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused.toString());
    assertEquals(403, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());

    WebSocket listed = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token).header("Origin", "https://shop.example")
        .buildAsync(uri, new WebSocket.Listener() {}).orTimeout(10, TimeUnit.SECONDS).join();
    listed.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    try (var originless = stream(token)) {
      String id = originless.send(Map.of("type", "ping"));
      originless.await(f -> id.equals(f.path("id").asText()) && f.path("type").asText().equals("pong"), "pong");
    }
  }

  @Test
  void permessage_deflate_is_not_negotiated() throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.base().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
          + "Authorization: Bearer " + token("agent", "agent-deflate") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      List<String> head = new ArrayList<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) head.add(line);
      assertTrue(head.get(0).contains(" 101 "), "the upgrade happened: " + head);
      assertTrue(head.stream().noneMatch(h -> h.toLowerCase().contains("permessage-deflate")), "no compression offered back: " + head);
    }
  }

  @Test
  void a_connection_holds_at_most_the_configured_subscriptions() {
    try (var s = stream(token("agent", "agent-subs"))) {
      for (int i = 0; i < 3; i++) s.subscribe(customer + "-" + i);
      double before = refusals("ws_subscriptions");
      String id = s.send(Map.of("type", "subscribe", "customerId", customer + "-3"));
      JsonNode refused = s.await(f -> id.equals(f.path("id").asText()), "the answer to a fourth subscribe");
      assertTrue(rateLimited(refused), refused.toString());
      assertEquals(before + 1, refusals("ws_subscriptions"), "the refused subscribe is counted");
      s.send(Map.of("type", "unsubscribe", "customerId", customer + "-0"));
      s.subscribe(customer + "-3");
    }
  }

  @Test
  void a_connection_over_its_frame_rate_gets_rate_limited_then_is_closed_with_4403() {
    double before = refusals("ws_messages");
    Client.Stream s = stream(token("agent", "agent-flood"));
    for (int i = 0; i < 40; i++) {
      if (s.closedWith() != null) break;
      s.trySend(Map.of("type", "ping"));
    }
    s.await(AbuseLimitsIT::rateLimited, "a rate_limited error frame");
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      if (s.closedWith() == null) s.trySend(Map.of("type", "ping"));
      return s.closedWith() != null;
    });
    assertTrue(s.closedWith().startsWith("4403"), s.closedWith());
    assertTrue(refusals("ws_messages") > before, "the refused frames are counted");
  }

  @Test
  void a_tokens_connections_share_its_frame_rate_and_one_connection_too_many_is_closed_with_4403() {
    String token = token("agent", "agent-many");
    List<Client.Stream> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) open.add(stream(token));
      // 21 frames: each connection stays under its own burst (10), together they pass the token's (16) by at most 5,
      // which a connection may collect before it is closed: all three stay open.
      for (Client.Stream s : open) for (int i = 0; i < 7; i++) s.send(Map.of("type", "ping"));
      await().atMost(Duration.ofSeconds(10)).until(() -> open.stream().anyMatch(s -> s.frames.stream().anyMatch(AbuseLimitsIT::rateLimited)));

      assertTrue(open.stream().allMatch(s -> s.closedWith() == null), "the three stay open");
      double before = refusals("ws_connections");
      Client.Stream fourth = stream(token);
      await().atMost(Duration.ofSeconds(10)).until(() -> fourth.closedWith() != null);
      assertTrue(fourth.closedWith().startsWith("4403"), fourth.closedWith());
      assertEquals(before + 1, refusals("ws_connections"), "the refused connection is counted");
      try (var otherToken = stream(token("agent", "agent-other"))) {
        String id = otherToken.send(Map.of("type", "ping"));
        otherToken.await(f -> id.equals(f.path("id").asText()) && f.path("type").asText().equals("pong"), "another token is served");
      }
    } finally {
      open.forEach(Client.Stream::close);
    }
  }

  @Test
  void a_token_writing_over_its_rate_gets_429_with_retry_after_and_other_tokens_are_served() throws Exception {
    String token = token("integration", "crm-fast");
    double before = refusals("rest_writes");
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(HTTP.send(HttpRequest.newBuilder(node.base().resolve("/v1/customers/" + customer + "/changes"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"n\":" + i + "}}]}")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    HttpResponse<String> limited = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow(
        () -> new AssertionError("no 429 among " + answers.stream().map(HttpResponse::statusCode).toList()));
    assertEquals("rate_limited", Client.JSON.readTree(limited.body()).path("code").asText());
    assertEquals(before + answers.stream().filter(r -> r.statusCode() == 429).count(), refusals("rest_writes"), "each 429 is counted");
    assertEquals(limited.headers().firstValue("X-Request-Id").orElseThrow(), Client.JSON.readTree(limited.body()).path("requestId").asText(),
        "the refusal names its request, as its X-Request-Id header does");
    assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
    long committed = answers.stream().filter(r -> r.statusCode() == 200).count();
    assertEquals(committed, new Client(node, token("agent", "agent-reader")).context(customer).path("version").asLong(),
        "a refused write commits nothing");
    assertEquals(200, new Client(node, token("integration", "crm-slow")).post(customer, List.of(Map.of("op", "profile.set",
        "fields", Map.of("other", true)))).status(), "another token is served");
  }

  @Test
  void access_token_never_reaches_the_access_log() throws Exception {
    String token = token("agent", "agent-log");
    new Client(node, token).commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    HttpResponse<java.io.InputStream> sse = HTTP.send(HttpRequest.newBuilder(node.base().resolve("/v1/customers/" + customer
        + "/events?after=0&access_token=" + token)).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, sse.statusCode());
    sse.body().close();
    String requestId = Tokens.newId("it-limits-read");
    HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(node.base().resolve("/v1/customers/" + customer + "/context?access_token=" + token))
        .header("Authorization", "Bearer " + token).header("X-Request-Id", requestId).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, read.statusCode());
    Path log = Path.of("target", "it-limits.log");
    // the access line names the route template, not the customer: found by its request id
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("requestId=" + requestId));
    String text = Files.readString(log);
    assertFalse(text.contains(token), "the token is in the node's log");
    assertFalse(text.contains(token.substring(token.lastIndexOf('.') + 1)), "the token's signature is in the node's log");
  }

  /** An SSE stream of the customer as the token opens it: answered once the headers came (the body stays open on 200). */
  private HttpResponse<java.io.InputStream> sse(String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(node.base().resolve("/v1/customers/" + customer + "/events?access_token=" + token))
        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Audit gap 3: SSE streams were not counted per token, so one token opened any number of them. */
  @Test
  void sse_streams_share_the_tokens_stream_limit_with_websockets_one_more_is_429_with_retry_after_and_a_closed_one_frees_its_place()
      throws Exception {
    String token = token("agent", "agent-sse");
    new Client(node, token).commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    List<HttpResponse<java.io.InputStream>> streams = new ArrayList<>();
    try (Client.Stream ws = stream(token)) {
      String ping = ws.send(Map.of("type", "ping"));
      ws.await(f -> ping.equals(f.path("id").asText()) && f.path("type").asText().equals("pong"), "the WebSocket is counted");
      for (int i = 0; i < 2; i++) {
        streams.add(sse(token));
        assertEquals(200, streams.get(i).statusCode());
      }
      HttpResponse<java.io.InputStream> over = sse(token);
      String body = new String(over.body().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(429, over.statusCode(), body);
      assertEquals("rate_limited", Client.JSON.readTree(body).path("code").asText());
      assertTrue(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow()) >= 1);
      assertTrue(over.headers().firstValue("Content-Type").orElseThrow().startsWith("application/problem+json"));
      assertTrue(Client.text(node.base().resolve("/q/metrics")).lines()
          .anyMatch(l -> l.startsWith("omnicontext_rate_limited_total") && l.contains("scope=\"sse_streams\"") && !l.endsWith(" 0.0")),
          "the refusal is counted");
      HttpResponse<java.io.InputStream> otherToken = sse(token("agent", "agent-sse-other"));
      assertEquals(200, otherToken.statusCode(), "another token is served");
      otherToken.body().close();

      streams.remove(0).body().close();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        HttpResponse<java.io.InputStream> again = sse(token);
        if (again.statusCode() == 200) streams.add(again);
        else again.body().close();
        return again.statusCode() == 200;
      });
    } finally {
      for (HttpResponse<java.io.InputStream> r : streams) r.body().close();
    }
  }
}
