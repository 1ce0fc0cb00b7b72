package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 defect 1: the customer.merge change carried the folded items unredacted, so a customer token
 * read the duplicate's internal note and case owner in history, WebSocket and SSE.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MergeRedactionIT {
  private final String tenant = Tokens.newTenant();
  private final String survivor = Tokens.newId("surv");
  private final String duplicate = Tokens.newId("dup");
  private final String secret = "SECRET internal " + Tokens.newId("m");
  private final Client agent = new Client(Nodes.one(), Tokens.mint(tenant, "agent", "agent-secret-sub", "voice", null));
  private final Client customer = new Client(Nodes.two(), Tokens.mint(tenant, "customer", "surv-app", "mobile", survivor));

  private void assertNothingInternal(String where, String text) {
    for (String internal : List.of(secret, "agent-secret", "agent-secret-sub", "SECRET handoff")) {
      assertFalse(text.contains(internal), where + " shows \"" + internal + "\" to a customer token: " + text);
    }
  }

  @Test
  void a_customer_token_reads_no_internal_note_case_owner_or_handoff_of_a_merge_on_any_path() {
    String due = Instant.now().plus(2, ChronoUnit.HOURS).toString();
    agent.commit(duplicate, List.of(Map.of("op", "note.add", "noteId", "n-int", "text", secret, "visibility", "internal"),
        Map.of("op", "note.add", "noteId", "n-pub", "text", "we called you back", "visibility", "customer"),
        Map.of("op", "case.open", "caseId", "k-1", "subject", "Sofa leg", "owner", "agent-secret"),
        Map.of("op", "handoff.create", "handoffId", "h-1", "kind", "case", "ref", "k-1", "fromChannel", "voice", "toTeam", "store:branch-X",
            "dueBy", due, "note", "SECRET handoff"),
        Map.of("op", "handoff.accept", "handoffId", "h-1")));
    agent.commit(survivor, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Julia"))));

    try (var live = customer.stream(); var sse = customer.events(survivor, 0)) {
      live.subscribe(survivor);
      sse.await("profile.set", "the survivor's first change");
      Client.Answer merged = agent.send("POST", "/v1/customers/" + survivor + "/merge", Map.of("from", duplicate));
      assertEquals(200, merged.status(), merged.body().toString());
      assertTrue(merged.body().toString().contains(secret), "staff see the folded internal note: the test can see a leak");

      JsonNode pushed = live.await(f -> "customer.merge".equals(f.path("op").asText()), "the merge change, live on WebSocket");
      assertNothingInternal("the live WebSocket change", pushed.toString());
      assertTrue(pushed.toString().contains("we called you back"), "the customer's own note is folded in: " + pushed);
      assertNothingInternal("the live SSE event", sse.await("customer.merge", "the merge change, live on SSE"));
    }

    Client.Answer history = customer.get("/v1/customers/" + survivor + "/changes?after=0");
    assertEquals(200, history.status());
    assertTrue(history.body().toString().contains("customer.merge"), history.body().toString());
    assertNothingInternal("GET changes", history.body().toString());
    assertNothingInternal("GET context", customer.context(survivor).toString());

    try (var resumed = customer.on(Nodes.three()).stream(); var replayed = customer.on(Nodes.three()).events(survivor, 0)) {
      resumed.send(Map.of("type", "subscribe", "customerId", survivor, "after", 0));
      JsonNode fromLog = resumed.await(f -> "customer.merge".equals(f.path("op").asText()), "the merge change, resumed on WebSocket");
      assertNothingInternal("a resumed WebSocket subscription", fromLog.toString());
      assertNothingInternal("a resumed SSE stream", replayed.await("customer.merge", "the merge change, resumed on SSE"));
    }
  }
}
