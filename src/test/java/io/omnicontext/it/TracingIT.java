package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Tracing turned on (docs/tracing.md): a node of its own exports OTLP http/protobuf to a receiver in this test.
 * One write with a subscriber gives the spans of the live path, the REST span's trace holds the commit and
 * the journal append, the group transaction and the push link to it, the push names the same customer hash and version, and
 * nothing exported holds the customer id, the tenant, the identity value or the token.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TracingIT {
  private static OtlpReceiver receiver;
  private static Nodes.Node node;
  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("traced-customer");
  private final String email = Tokens.newId("traced-mail") + "@example.com";

  @BeforeAll
  static void start() throws Exception {
    receiver = new OtlpReceiver();
    node = Nodes.startExtra("traced", Map.of(
        "QUARKUS_OTEL_SDK_DISABLED", "false",
        "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.endpoint(),
        "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
        "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.process().destroy();
      node.process().waitFor();
    }
    if (receiver != null) receiver.close();
  }

  private static Optional<OtlpReceiver.Span> named(List<OtlpReceiver.Span> spans, String name, String traceId) {
    return spans.stream().filter(s -> s.name().equals(name) && (traceId == null || s.traceId().equals(traceId))).findFirst();
  }

  @Test
  void one_write_with_a_subscriber_is_one_trace_from_rest_to_journal_and_a_push_with_its_hash_and_nothing_tenant_bearing()
      throws Exception {
    String token = Tokens.mint(tenant, "agent", "ada", "voice", null);
    Client agent = new Client(node, token);
    try (Client.Stream screen = agent.stream()) {
      int from = screen.subscribe(customer);
      JsonNode answer = agent.commit(customer, List.of(
          Map.of("op", "profile.set", "fields", Map.of("name", "Ada")),
          Map.of("op", "identity.link", "type", "email", "value", email)));
      long version = answer.path("version").asLong();
      screen.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == version, "the pushed change");
      assertTrue(screen.frames.size() > from);
    }
    Http.Answer resolved = Http.send("GET", node.base().resolve("/v1/customers:resolve?type=email&value=" + email.replace("@", "%40")),
        Map.of("Authorization", "Bearer " + token), null);
    assertEquals(200, resolved.status(), "resolve of the linked identity (its value travels in the query): " + resolved.body());

    Set<String> expected = Set.of("omnicontext.write", "omnicontext.commit", "omnicontext.redis.commit", "omnicontext.journal.append",
        "omnicontext.journal.group", "omnicontext.push");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      Set<String> names = receiver.spans().stream().map(OtlpReceiver.Span::name).collect(Collectors.toSet());
      return names.containsAll(expected) && names.stream().anyMatch(n -> n.startsWith("POST"));
    });
    List<OtlpReceiver.Span> spans = receiver.spans();
    String all = OtlpReceiver.describe(spans);

    OtlpReceiver.Span rest = spans.stream()
        .filter(s -> s.name().startsWith("POST") && "/v1/customers/{customerId}/changes".equals(s.attributes().get("http.route")))
        .findFirst().orElseThrow(() -> new AssertionError("no REST span of POST changes:" + all));
    String trace = rest.traceId();
    assertTrue(rest.attributes().get("omnicontext.request.id") instanceof String id && id.matches("[A-Za-z0-9._:-]{1,128}"),
        "the REST span carries the request's correlation id: " + rest.attributes());
    OtlpReceiver.Span write = named(spans, "omnicontext.write", trace).orElseThrow(() -> new AssertionError("write not in the REST trace:" + all));
    OtlpReceiver.Span commit = named(spans, "omnicontext.commit", trace).orElseThrow(() -> new AssertionError("commit not in the REST trace:" + all));
    OtlpReceiver.Span redis = named(spans, "omnicontext.redis.commit", trace).orElseThrow(() -> new AssertionError("Redis commit not in the trace:" + all));
    OtlpReceiver.Span append = named(spans, "omnicontext.journal.append", trace)
        .orElseThrow(() -> new AssertionError("journal append not in the REST trace:" + all));
    assertEquals(write.spanId(), commit.parentSpanId(), "the commit is a child of the write");
    assertEquals(commit.spanId(), redis.parentSpanId(), "the Redis commit is a child of the commit");
    assertEquals(commit.spanId(), append.parentSpanId(), "the journal append is a child of the commit");
    assertTrue(spans.stream().anyMatch(s -> s.name().equals("omnicontext.journal.group") && s.linkedTraces().contains(trace)),
        "a group transaction links to the write's trace:" + all);

    Object hash = commit.attributes().get("omnicontext.customer.hash");
    assertTrue(hash instanceof String h && h.matches("[0-9a-f]{16}"), "the customer is named by a hash: " + commit.attributes());
    assertEquals(2L, commit.attributes().get("omnicontext.version.last"));
    assertEquals("profile.set,identity.link", commit.attributes().get("omnicontext.ops"));
    assertTrue(spans.stream().anyMatch(s -> s.name().equals("omnicontext.push") && hash.equals(s.attributes().get("omnicontext.customer.hash"))
        && Long.valueOf(2).equals(s.attributes().get("omnicontext.version.last"))), "a push of version 2 with the same hash:" + all);
    // defect guarded: the push started a trace of its own with nothing pointing back at the write
    assertTrue(spans.stream().anyMatch(s -> s.name().equals("omnicontext.push") && s.linkedTraces().contains(trace)),
        "the push links to the write's trace (the commit's traceparent rides on the feed message):" + all);

    for (String secret : List.of(customer, tenant, email, token)) {
      assertFalse(receiver.anyBodyContains(secret), "the export must not hold " + secret + ":" + all);
    }
  }

  @Test
  void a_problem_names_the_trace_of_its_request() {
    String token = Tokens.mint(tenant, "agent", "ada", "voice", null);
    Http.Answer a = Http.send("POST", node.base().resolve("/v1/customers/" + customer + "/changes"),
        Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"), "{\"ops\":[{\"op\":\"no.such\"}]}");
    assertEquals(400, a.status());
    String traceId = read(a).path("traceId").asText();
    assertTrue(traceId.matches("[0-9a-f]{32}"), "the problem carries the trace id: " + a.body());
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> receiver.spans().stream().anyMatch(s -> s.traceId().equals(traceId) && s.name().startsWith("POST")));
  }

  private static JsonNode read(Http.Answer a) {
    try {
      return Client.JSON.readTree(a.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + a.body(), e);
    }
  }
}
