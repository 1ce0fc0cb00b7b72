package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The API documents match the server: every endpoint called answers a status (and media type) the OpenAPI
 * document at /q/openapi lists for it, and every frame a real WebSocket client receives is a server message
 * of the AsyncAPI document at /asyncapi.yaml, with its required members and no undocumented one.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ApiDocumentsIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");
  private final String team = "store:branch-" + Tokens.newId("t");

  /** One call: the OpenAPI path template it exercises and what the server answered. */
  private record Call(String method, String template, int status, String mediaType) {
    String operation() { return method + " " + template; }
  }

  private final List<Call> calls = new ArrayList<>();

  private String token(String role, String sub, String channel) {
    return Tokens.mint(tenant, role, sub, channel, role.equals("customer") ? customer : null);
  }

  private Http.Answer call(String method, String template, String path, String token, Object body) {
    Map<String, String> headers = new HashMap<>();
    if (token != null) headers.put("Authorization", "Bearer " + token);
    String json = null;
    if (body != null) {
      headers.put("Content-Type", "application/json");
      json = body instanceof String s ? s : write(body);
    }
    Http.Answer a = Http.send(method, Nodes.one().base().resolve(path), headers, json);
    calls.add(new Call(method, template, a.status(), a.mediaType()));
    return a;
  }

  private static String write(Object o) {
    try {
      return Client.JSON.writeValueAsString(o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> handoff(String id, String team) {
    return Map.of("op", "handoff.create", "handoffId", id, "kind", "reservation", "ref", "r-sofa", "fromChannel", "chat",
        "toTeam", team, "dueBy", Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString(), "note", "held for pickup");
  }

  private static JsonNode deref(JsonNode root, JsonNode node) {
    while (node.has("$ref")) {
      JsonNode at = root;
      for (String part : node.path("$ref").asText().substring(2).split("/")) at = at.path(part);
      node = at;
    }
    return node;
  }

  @Test
  void every_endpoint_answers_a_status_the_openapi_document_lists() throws Exception {
    String crm = token("integration", "crm", "system");
    String agent = token("agent", "ada", "voice");
    String supervisor = token("supervisor", "sam", "web");
    String customerToken = token("customer", "julia-app", "mobile");
    String email = customer + "@example.com";
    String duplicate = Tokens.newId("dup");
    String base = "/v1/customers/" + customer;
    String changes = "/v1/customers/{customerId}/changes";

    assertEquals(200, call("POST", changes, base + "/changes", crm, Map.of("ops", List.of(
        Map.of("op", "profile.set", "fields", Map.of("name", "Julia")),
        Map.of("op", "identity.link", "type", "email", "value", email),
        Map.of("op", "preference.set", "key", "notifications.sms.to", "value", "+15550199"),
        handoff("h-1", team)))).status());
    assertEquals(409, call("POST", changes, base + "/changes", crm, Map.of("expectedVersion", 0,
        "ops", List.of(Map.of("op", "profile.set", "fields", Map.of("late", true))))).status());
    assertEquals(400, call("POST", changes, base + "/changes", crm, Map.of("ops", List.of(Map.of("op", "offer.steal")))).status());
    assertEquals(400, call("POST", changes, base + "/changes", crm, "{not json").status());
    assertEquals(401, call("POST", changes, base + "/changes", null, Map.of("ops", List.of())).status());
    assertEquals(403, call("POST", changes, base + "/changes", customerToken, Map.of("ops", List.of(handoff("h-2", team)))).status());
    assertEquals(200, call("GET", changes, base + "/changes?after=0&limit=2", agent, null).status());
    assertEquals(400, call("GET", changes, base + "/changes?after=x", agent, null).status());
    assertEquals(404, call("GET", changes, "/v1/customers/" + Tokens.newId("none") + "/changes", agent, null).status());

    String context = "/v1/customers/{customerId}/context";
    assertEquals(200, call("GET", context, base + "/context", agent, null).status());
    assertEquals(404, call("GET", context, "/v1/customers/" + Tokens.newId("none") + "/context", agent, null).status());
    assertEquals(401, call("GET", context, base + "/context", "not-a-jwt", null).status());

    String resolve = "/v1/customers:resolve";
    assertEquals(200, call("GET", resolve, resolve + "?type=email&value=" + email, agent, null).status());
    assertEquals(404, call("GET", resolve, resolve + "?type=email&value=nobody-" + email, agent, null).status());
    assertEquals(400, call("GET", resolve, resolve + "?type=email", agent, null).status());

    String reach = "/v1/customers/{customerId}/reach";
    assertEquals(200, call("GET", reach, base + "/reach?purpose=service&channel=sms", agent, null).status());
    assertEquals(403, call("GET", reach, base + "/reach?purpose=service&channel=sms", customerToken, null).status());

    String board = "/v1/teams/{team}/handoffs";
    assertEquals(200, call("GET", board, "/v1/teams/" + team + "/handoffs", agent, null).status());
    assertEquals(400, call("GET", board, "/v1/teams/no-colon/handoffs", agent, null).status());
    assertEquals(403, call("GET", board, "/v1/teams/" + team + "/handoffs", customerToken, null).status());

    Http.Answer sse = Http.openAndClose(Nodes.one().base().resolve(base + "/events?after=0"), Map.of("Authorization", "Bearer " + agent));
    calls.add(new Call("GET", "/v1/customers/{customerId}/events", sse.status(), sse.mediaType()));
    assertEquals(200, sse.status());
    assertEquals(404, call("GET", "/v1/customers/{customerId}/events", "/v1/customers/" + customer + "x/events", customerToken, null).status());

    call("POST", changes, "/v1/customers/" + duplicate + "/changes", crm, Map.of("ops", List.of(Map.of("op", "profile.set", "fields", Map.of("dup", true)))));
    String merge = "/v1/customers/{customerId}/merge";
    assertEquals(200, call("POST", merge, base + "/merge", crm, Map.of("from", duplicate)).status());
    assertEquals(400, call("POST", merge, base + "/merge", crm, Map.of("to", duplicate)).status());

    String erase = "/v1/customers/{customerId}";
    assertEquals(403, call("DELETE", erase, base, agent, null).status());
    assertEquals(200, call("DELETE", erase, base, supervisor, null).status());

    try (var stream = new Client(Nodes.one(), agent).stream()) {
      calls.add(new Call("GET", "/v1/stream", 101, null)); // the upgrade succeeded
      stream.send(Map.of("type", "ping"));
      stream.await(f -> f.path("type").asText().equals("pong"), "pong");
    }

    JsonNode openapi = Client.JSON.readTree(Http.get(Nodes.one().base().resolve("/q/openapi?format=json")).body());
    List<String> wrong = new ArrayList<>();
    Set<String> called = new TreeSet<>();
    for (Call c : calls) {
      called.add(c.operation());
      JsonNode operation = openapi.path("paths").path(c.template()).path(c.method().toLowerCase(java.util.Locale.ROOT));
      if (operation.isMissingNode()) {
        wrong.add(c.operation() + ": not in the document");
        continue;
      }
      JsonNode response = deref(openapi, operation.path("responses").path(Integer.toString(c.status())));
      if (response.isMissingNode()) wrong.add(c.operation() + " answered " + c.status() + ", which the document does not list");
      else if (c.mediaType() != null && response.has("content") && !response.path("content").has(c.mediaType())) {
        wrong.add(c.operation() + " " + c.status() + " answered " + c.mediaType() + ", the document says " + response.path("content").fieldNames().next());
      }
    }
    assertEquals(List.of(), wrong);
    Set<String> documented = new TreeSet<>();
    openapi.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey())));
    assertEquals(documented, called, "the test calls every documented endpoint, and the document has every endpoint called");
    for (String contract : List.of("GET /v1/customers/{customerId}/context", "POST /v1/customers/{customerId}/changes",
        "GET /v1/customers/{customerId}/changes", "GET /v1/customers:resolve", "GET /v1/customers/{customerId}/events",
        "GET /v1/customers/{customerId}/reach", "GET /v1/teams/{team}/handoffs", "GET /v1/stream")) {
      assertTrue(documented.contains(contract), contract + " (a contract endpoint) is documented");
    }
  }

  @Test
  void every_frame_a_client_receives_is_a_server_message_of_the_asyncapi_document() throws Exception {
    String agent = token("agent", "ada", "voice");
    String crm = token("integration", "crm", "system");
    String supervisor = token("supervisor", "sam", "web");
    String erasedOne = Tokens.newId("gone");
    Client writer = new Client(Nodes.two(), crm);
    Set<String> sent = new LinkedHashSet<>();
    List<JsonNode> received;
    try (var stream = new Client(Nodes.one(), agent).stream()) {
      stream.subscribe(customer);                                                      // subscribed, snapshot
      sent.add("subscribe");
      writer.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Julia"))));
      stream.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == 1, "change v1");
      stream.send(Map.of("type", "ping"));
      sent.add("ping");
      stream.await(f -> f.path("type").asText().equals("pong"), "pong");
      stream.send(Map.of("type", "engage", "customerId", customer, "channel", "voice", "activity", "on-call"));
      sent.add("engage");
      stream.await(f -> "engagement.start".equals(f.path("op").asText()), "the engagement.start change");
      stream.send(Map.of("type", "subscribe", "customerId", ""));
      stream.await(f -> f.path("type").asText().equals("error"), "an error frame");
      stream.subscribeTeam(team);                                                      // subscribed, team snapshot
      writer.commit(customer, List.of(handoff("h-1", team)));
      stream.await(f -> f.path("type").asText().equals("handoff"), "the handoff frame");
      stream.send(Map.of("type", "subscribe", "customerId", customer, "reach", Map.of("purpose", "service", "channel", "sms")));
      stream.await(f -> f.path("type").asText().equals("reach"), "the reach answer");
      stream.send(Map.of("type", "unsubscribe", "customerId", customer));
      sent.add("unsubscribe");
      stream.await(f -> f.path("type").asText().equals("unsubscribed"), "unsubscribed");
      writer.commit(erasedOne, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
      stream.subscribe(erasedOne);
      assertEquals(200, new Client(Nodes.one(), supervisor).send("DELETE", "/v1/customers/" + erasedOne).status());
      stream.await(f -> f.path("type").asText().equals("erased"), "the erased frame");
      received = List.copyOf(stream.frames);
    }

    AsyncApi doc = AsyncApi.parse(Http.get(Nodes.one().base().resolve("/asyncapi.yaml")).body()); // as served
    Map<String, JsonNode> clientMessages = doc.messages("receive");
    assertTrue(clientMessages.keySet().containsAll(sent), "client frames " + sent + " are described: " + clientMessages.keySet());

    Set<String> types = new TreeSet<>();
    List<String> wrong = new ArrayList<>();
    for (JsonNode frame : received) {
      types.add(frame.path("type").asText());
      wrong.addAll(doc.serverFrameProblems(frame));
    }
    assertEquals(List.of(), wrong);
    assertEquals(new TreeSet<>(List.of("subscribed", "snapshot", "change", "handoff", "reach", "unsubscribed", "pong", "error", "erased")),
        types, "the flows above made the server send every kind of frame");
  }
}
