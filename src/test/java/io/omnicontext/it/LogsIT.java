package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The `prod` profile's logs, read from a live node's console (target/it-node1.log): JSON lines, one access
 * line per request with its correlation id, and neither the token nor the query string in any of them.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LogsIT {
  private static final Path LOG = Path.of("target", "it-" + Nodes.one().name() + ".log");
  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");

  private static List<String> lines() {
    try {
      return Files.readAllLines(LOG);
    } catch (Exception e) {
      throw new AssertionError("cannot read " + LOG, e);
    }
  }

  /** The access-log record with this request id, once the node wrote it. */
  private static JsonNode accessLine(String requestId) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> find(requestId), Optional::isPresent).orElseThrow();
  }

  private static Optional<JsonNode> find(String requestId) throws Exception {
    for (String line : lines()) {
      if (!line.contains(requestId) || !line.contains("io.quarkus.http.access-log")) continue;
      return Optional.of(Client.JSON.readTree(line));
    }
    return Optional.empty();
  }

  @Test
  void a_request_is_one_json_access_line_with_its_id_and_route_template_without_token_query_or_customer_id() {
    String token = Tokens.mint(tenant, "agent", "ada", "voice", null);
    String email = customer + "@example.com";
    String id = "it-logs-" + Tokens.newId("r");
    Http.Answer sse = Http.openAndClose(Nodes.one().base().resolve("/v1/customers/" + customer + "/events?after=0&access_token=" + token),
        Map.of("X-Request-Id", id));
    assertEquals(200, sse.status(), "SSE with ?access_token");
    assertEquals(id, sse.header("X-Request-Id"), "the caller's id is echoed");

    JsonNode record = accessLine(id);
    String message = record.path("message").asText();
    assertTrue(message.contains("route=/v1/customers/{customerId}/events"), message);
    assertTrue(message.contains("status=200") && message.contains("requestId=" + id), message);
    assertEquals(id, record.path("mdc").path("requestId").asText(), "the id is in the MDC of the request's log lines");

    Http.Answer resolve = Http.send("GET", Nodes.one().base().resolve("/v1/customers:resolve?type=email&value=" + email),
        Map.of("Authorization", "Bearer " + token), null);
    assertEquals(404, resolve.status());
    String generated = resolve.header("X-Request-Id");
    assertTrue(generated != null && generated.matches("[0-9a-f-]{36}"), "an id is generated when the caller sent none: " + generated);
    assertTrue(accessLine(generated).path("message").asText().contains("route=/v1/customers:resolve status=404"));

    List<String> leaks = new ArrayList<>();
    for (String line : lines()) if (line.contains(token) || line.contains("access_token") || line.contains(email)) leaks.add(line);
    assertEquals(List.of(), leaks, "no token, no query string, no identity value in the log");
    List<String> named = new ArrayList<>();
    for (String line : lines()) if (line.contains("io.quarkus.http.access-log") && line.contains(customer)) named.add(line);
    assertEquals(List.of(), named, "an access line names the route template, never the customer id of its path");
  }

  /**
   * Defect guarded: failures were logged with their messages, and a driver's message quotes the data it was sent
   * (PostgreSQL's "Key (value)=(...)" and the like). Here PostgreSQL refuses this tenant's identity rows with an
   * error that quotes the value (a trigger of this test, on this tenant only): the nodes log the failure, by type.
   */
  @Test
  void a_store_failure_whose_message_quotes_a_customer_value_is_logged_without_it() throws Exception {
    String value = customer + "-private@example.com";
    String trigger = "it_logs_" + tenant.replace('-', '_');
    java.util.Map<Path, Integer> seen = new java.util.HashMap<>();
    for (Path log : nodeLogs()) seen.put(log, Files.readAllLines(log).size());
    postgres("CREATE FUNCTION " + trigger + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.tenant = '" + tenant
        + "' THEN RAISE EXCEPTION 'identity % of % refused', NEW.value, NEW.customer_id; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER " + trigger + " BEFORE INSERT ON identity_link FOR EACH ROW EXECUTE FUNCTION " + trigger + "()");
    try {
      Client agent = new Client(Nodes.one(), Tokens.mint(tenant, "agent", "ada", "voice", null));
      Client.Answer linked = agent.post(customer, List.of(Map.of("op", "identity.link", "type", "email", "value", value)));
      assertTrue(linked.status() == 200 || linked.status() == 503, linked.status() + " " + linked.body());
      await("a node logs the journal failing").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
          .until(() -> newLines(seen).stream().anyMatch(l -> l.contains("cannot journal now") || l.contains("settled later")));
    } finally {
      postgres("DROP TRIGGER IF EXISTS " + trigger + " ON identity_link", "DROP FUNCTION IF EXISTS " + trigger + "()");
    }
    await("the journal catches up once PostgreSQL takes the row").atMost(Duration.ofSeconds(30))
        .until(() -> !Journal.versions(tenant, customer).isEmpty());
    List<String> leaks = newLines(seen).stream().filter(l -> l.contains(value) || l.contains(customer + "-private")).toList();
    assertEquals(List.of(), leaks, "PostgreSQL's message, with the customer's value, in the log");
  }

  private static List<Path> nodeLogs() {
    return Nodes.all().stream().map(n -> Path.of("target", "it-" + n.name() + ".log")).toList();
  }

  /** Lines the nodes logged since the counts in {@code seen}. */
  private static List<String> newLines(java.util.Map<Path, Integer> seen) throws Exception {
    List<String> out = new ArrayList<>();
    for (var e : seen.entrySet()) {
      List<String> all = Files.readAllLines(e.getKey());
      out.addAll(all.subList(Math.min(e.getValue(), all.size()), all.size()));
    }
    return out;
  }

  private static void postgres(String... statements) throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + Infra.PG_PORT + "/omnicontext_test", "omnicontext", "omnicontext");
        var st = c.createStatement()) {
      for (String sql : statements) st.execute(sql);
    }
  }

  @Test
  void a_caller_id_that_could_forge_a_line_is_replaced() {
    Http.Answer a = Http.send("GET", Nodes.one().base().resolve("/v1/customers/" + customer + "/context"), Map.of("X-Request-Id", "a b{\"x\":1}"), null);
    assertEquals(401, a.status());
    assertTrue(a.header("X-Request-Id").matches("[0-9a-f-]{36}"), a.header("X-Request-Id"));
  }

  @Test
  void every_line_the_node_logs_is_json() throws Exception {
    List<String> lines = lines();
    assertFalse(lines.isEmpty());
    List<String> plain = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) continue;
      try {
        JsonNode n = Client.JSON.readTree(line);
        if (!n.has("timestamp") || !n.has("level") || !n.has("message")) plain.add(line);
      } catch (Exception notJson) {
        plain.add(line);
      }
    }
    assertEquals(List.of(), plain, "structured JSON in the prod profile");
  }
}
