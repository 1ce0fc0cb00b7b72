package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Hand-offs that cannot get lost, team feeds, and contact that follows the customer's wishes (issue 5's stories). */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HandoffAndReachStoriesIT implements Topology {
  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");

  private Client as(Nodes.Node node, String role, String sub, String channel) {
    return new Client(node, Tokens.mint(tenant, role, sub, channel, null));
  }

  private static Map<String, Object> handoff(String id, String team, String dueBy) {
    return Map.of("op", "handoff.create", "handoffId", id, "kind", "reservation", "ref", "r-sofa", "fromChannel", "chat",
        "toTeam", team, "dueBy", dueBy, "note", "Green sofa held for pickup");
  }

  @Test
  void lindas_own_number_replaces_her_daughters_at_once_on_either_node_and_withdrawn_consent_refuses() {
    Client crm = as(one(), "integration", "crm", "system");
    Client sender = as(two(), "integration", "marketing", "system");
    crm.commit(customer, List.of(
        Map.of("op", "profile.set", "fields", Map.of("name", "Linda Okafor", "timezone", "UTC")),
        Map.of("op", "preference.set", "key", "consent.marketing", "value", true),
        Map.of("op", "preference.set", "key", "notifications.sms.to", "value", "+15550199")));
    String path = "/v1/customers/" + customer + "/reach?purpose=marketing&channel=sms";
    assertEquals("+15550199", sender.get(path).body().path("to").asText());

    try (var live = sender.stream()) {
      live.send(Map.of("type", "subscribe", "customerId", customer, "reach", Map.of("purpose", "marketing", "channel", "sms")));
      live.await(f -> f.path("type").asText().equals("reach") && f.path("to").asText().equals("+15550199"), "the current reach answer");

      crm.commit(customer, List.of(Map.of("op", "preference.set", "key", "notifications.sms.to", "value", "+15550100")));
      for (Client node : List.of(sender, sender.on(one()))) {
        JsonNode reach = node.get(path).body();
        assertTrue(reach.path("allowed").asBoolean(), reach.toString());
        assertEquals("+15550100", reach.path("to").asText(), "the very next answer is Linda's own number");
      }
      live.await(f -> f.path("type").asText().equals("reach") && f.path("to").asText().equals("+15550100"), "the new answer pushed to the sender");

      crm.commit(customer, List.of(Map.of("op", "preference.set", "key", "consent.marketing", "value", false)));
      JsonNode refused = sender.get(path).body();
      assertFalse(refused.path("allowed").asBoolean());
      assertTrue(refused.path("reason").asText().contains("consent.marketing"), refused.toString());
      JsonNode pushed = live.await(f -> f.path("type").asText().equals("reach") && !f.path("allowed").asBoolean(true), "the refusal pushed to the sender");
      assertTrue(pushed.path("reason").asText().contains("consent.marketing"));
      long answers = live.frames.stream().filter(f -> f.path("type").asText().equals("reach")).count();
      assertEquals(3, answers, "one answer per change that altered it, none for the rest");
    }
  }

  @Test
  void a_chat_hand_off_reaches_the_store_tablet_on_the_other_node_and_is_accepted_once() {
    String team = "store:branch-" + Tokens.newId("x");
    Client chat = as(one(), "agent", "chat-agent", "chat");
    Client tablet = as(two(), "agent", "tablet-x", "store");
    Client colleague = as(one(), "agent", "tablet-y", "store");
    try (var feed = tablet.stream()) {
      feed.subscribeTeam(team);
      chat.commit(customer, List.of(
          Map.of("op", "reservation.hold", "reservationId", "r-sofa", "sku", "SOFA-GREEN", "storeId", "branch-X",
              "until", Instant.now().plus(2, ChronoUnit.DAYS).toString()),
          handoff("h-1", team, Instant.now().plus(4, ChronoUnit.HOURS).toString())));
      JsonNode frame = feed.await(f -> f.path("type").asText().equals("handoff"), "the hand-off on the team feed");
      assertEquals(customer, frame.path("customerId").asText(), "the tablet learns the customer from the hand-off");
      assertEquals("handoff.create", frame.path("change").path("op").asText());

      var first = CompletableFuture.supplyAsync(() -> tablet.post(customer, List.of(Map.of("op", "handoff.accept", "handoffId", "h-1"))));
      var second = CompletableFuture.supplyAsync(() -> colleague.post(customer, List.of(Map.of("op", "handoff.accept", "handoffId", "h-1"))));
      List<Client.Answer> answers = List.of(first.join(), second.join());
      assertEquals(1, answers.stream().filter(a -> a.status() == 200).count(), answers.toString());
      Client.Answer loser = answers.stream().filter(a -> a.status() != 200).findFirst().orElseThrow();
      assertEquals("handoff_taken", loser.body().path("code").asText());
      JsonNode accepted = feed.await(f -> f.path("type").asText().equals("handoff") && f.path("change").path("op").asText().equals("handoff.accept"), "the accept on the team feed");
      assertEquals(frame.path("seq").asLong() + 1, accepted.path("seq").asLong(), "team seq is gap-free");
    }
  }

  /** Guards the tablet that reloads: it must find on the server what it accepted and has not completed yet. */
  @Test
  void an_accepted_hand_off_stays_listed_for_its_team_on_either_node_until_it_is_completed() {
    String team = "store:branch-" + Tokens.newId("x");
    Client chat = as(one(), "agent", "chat-agent", "chat");
    Client tablet = as(two(), "agent", "tablet-x", "store");
    String due = Instant.now().plus(4, ChronoUnit.HOURS).toString();
    chat.commit(customer, List.of(handoff("h-1", team, due), handoff("h-2", team, due)));
    tablet.commit(customer, List.of(Map.of("op", "handoff.accept", "handoffId", "h-1")));

    for (Client node : List.of(tablet, tablet.on(one()))) {
      assertEquals(List.of("h-1 accepted"), listed(node, team, "accepted"), "the accepted hand-off, and only it");
      assertEquals(List.of("h-2 open"), listed(node, team, "open,overdue"), "the waiting list is what it was");
      assertEquals(List.of("h-2 open"), listed(node, team, null), "the default is still open,overdue");
    }
    assertEquals(List.of("h-2 open", "h-1 accepted"), listed(tablet, team, "open,accepted"));
    tablet.commit(customer, List.of(Map.of("op", "handoff.complete", "handoffId", "h-1", "outcome", "picked up")));
    assertEquals(List.of(), listed(tablet, team, "accepted"), "a completed hand-off leaves the list");
    assertEquals(400, tablet.get("/v1/teams/" + team + "/handoffs?status=completed").status(), "completed ones are not kept");
  }

  private static List<String> listed(Client node, String team, String status) {
    Client.Answer a = node.get("/v1/teams/" + team + "/handoffs" + (status == null ? "" : "?status=" + status));
    assertEquals(200, a.status(), a.toString());
    List<String> out = new java.util.ArrayList<>();
    a.body().path("handoffs").forEach(h -> out.add(h.path("handoffId").asText() + " " + h.path("status").asText()));
    return out;
  }

  @Test
  void an_unaccepted_transfer_becomes_overdue_exactly_once_with_three_nodes_and_the_supervisor_feed_shows_it() {
    String team = "backoffice:transfers-" + Tokens.newId("t");
    Client voice = as(one(), "agent", "voice-agent", "voice");
    Client supervisor = new Client(three(), Tokens.mint(tenant, "supervisor", "sup-1", "web", null));
    try (var feed = supervisor.stream()) {
      feed.subscribeTeam(team);
      voice.commit(customer, List.of(handoff("h-transfer", team, Instant.now().plusSeconds(1).toString())));
      JsonNode overdue = feed.await(f -> f.path("type").asText().equals("handoff")
          && f.path("change").path("op").asText().equals("handoff.overdue"), "handoff.overdue on the supervisor's feed");
      assertEquals("h-transfer", overdue.path("change").path("data").path("handoffId").asText());
      JsonNode history = voice.get("/v1/customers/" + customer + "/changes?after=0").body().path("changes");
      long overdues = 0;
      for (JsonNode c : history) if (c.path("op").asText().equals("handoff.overdue")) overdues++;
      assertEquals(1, overdues, "committed once although three nodes sweep: " + history);
      assertEquals("overdue", voice.context(customer).path("handoffs").path("h-transfer").path("status").asText());
    }
  }
}
