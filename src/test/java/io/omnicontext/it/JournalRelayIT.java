package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 defect 5 and deliverable 6: one value PostgreSQL cannot hold stopped the journal relay
 * (the entry stayed pending forever, and every entry after it). It is now refused at the edge, and an
 * entry PostgreSQL refuses anyway is set aside so the rest flow on.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JournalRelayIT {
  /** The outbox stream of bucket 0 (RedisKeys.outbox(0)): the relay reads every bucket. */
  private static final String OUTBOX = "oc:{b0}:journal-outbox";
  private final String tenant = Tokens.newTenant();
  private final Client crm = new Client(Nodes.one(), Tokens.mint(tenant, "integration", "crm", "system", null));

  @Test
  void a_value_holding_u0000_is_refused_at_the_edge_with_400_and_nothing_is_committed() {
    String customer = Tokens.newId("nul");
    Client.Answer a = crm.post(customer, List.of(Map.of("op", "identity.link", "type", "email", "value", "a\u0000b@example.com")));
    assertEquals(400, a.status(), a.body().toString());
    assertEquals("validation_failed", a.body().path("code").asText());
    Client.Answer surrogate = crm.postRaw(customer, "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"name\":\"x\\ud800\"}}]}");
    assertEquals(400, surrogate.status(), surrogate.body().toString());
    assertEquals(404, crm.get("/v1/customers/" + customer + "/context").status(), "nothing was committed");
    assertEquals(400, crm.get("/v1/customers:resolve?type=email&value=a%00b@example.com").status());
  }

  /** One outbox entry as commit.lua writes it: one identity.link change of a fresh customer. */
  private static String entry(String tenant, String customer, String identity) {
    ObjectNode change = Client.JSON.createObjectNode().put("customerId", customer).put("version", 1).put("op", "identity.link");
    change.putObject("data").put("type", "email").put("value", identity);
    change.putObject("actor").put("sub", "crm").put("channel", "system");
    change.put("at", Instant.now().toString());
    ObjectNode e = Client.JSON.createObjectNode().put("tenant", tenant).put("customerId", customer);
    e.putArray("changes").add(change.toString());
    e.putArray("linked").addObject().put("type", "email").put("value", identity);
    e.putNull("snapshot");
    return e.toString();
  }

  private static String xadd(String entry) { return Infra.redisCli("-n", "2", "XADD", OUTBOX, "*", "e", entry); }

  @Test
  void an_entry_postgres_refuses_is_set_aside_and_the_entries_around_it_are_journaled() throws IOException {
    String before = Tokens.newId("before"), poison = Tokens.newId("poison"), after = Tokens.newId("after");
    String beforeId = xadd(entry(tenant, before, before + "@example.com"));
    String poisonId = xadd(entry(tenant, poison, "nul\u0000" + poison + "@example.com"));
    String afterId = xadd(entry(tenant, after, after + "@example.com"));

    // Generous: on a busy 2-core machine a node's first dead-letter insert (Hibernate plans it on first use) took
    // tens of seconds; the promise is that the entries flow on, not how fast.
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      assertEquals(List.of(1L), Journal.versions(tenant, before));
      assertEquals(List.of(1L), Journal.versions(tenant, after), "the entry behind the poison one is journaled");
      assertEquals(1, Journal.deadLetters(tenant, poison).size(), "the poison entry is set aside");
    });
    assertEquals(List.of(), Journal.versions(tenant, poison));
    assertTrue(Journal.deadLetters(tenant, poison).get(0).startsWith("SQLSTATE 22"), Journal.deadLetters(tenant, poison).toString());
    for (String id : List.of(beforeId, poisonId, afterId)) {
      assertEquals("", Infra.redisCli("-n", "2", "XRANGE", OUTBOX, id, id), "entry " + id + " left the outbox");
    }

    double errors = 0;
    String line = null;
    for (Nodes.Node n : Nodes.all()) {
      errors += metric(n, "omnicontext_journal_relay_errors_total");
      for (String l : Files.readAllLines(Path.of("target", "it-" + n.name() + ".log"))) if (l.contains("customer=" + poison)) line = l;
    }
    assertTrue(errors >= 1, "the relay counted the set-aside entry");
    assertTrue(line != null && line.contains("ERROR") && line.contains("tenant=" + tenant) && line.contains("v=1..1"), "log: " + line);
    assertFalse(line.contains(poison + "@example.com"), "the log holds no value: " + line);

    Client.Answer next = crm.post(Tokens.newId("later"), List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    assertEquals(200, next.status(), "writes go on: " + next.body());
  }

  private static double metric(Nodes.Node node, String name) {
    for (String l : Client.text(node.base().resolve("/q/metrics")).split("\n")) {
      if (l.startsWith(name + " ") || l.startsWith(name + "{")) return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
    }
    return 0;
  }
}
