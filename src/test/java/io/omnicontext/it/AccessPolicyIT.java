package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of docs/security.md's role table that says no, against a live node: each refusal is the contract's
 * typed answer and commits nothing. (The yes cells are what every other IT and the conformance suite exercise.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AccessPolicyIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String tenant = Tokens.newTenant();
  private final String mine = Tokens.newId("c");
  private final String other = Tokens.newId("c");
  private final Client agent = as("agent", "voice", null);
  private final Client customer = as("customer", "web", mine);

  private Client as(String role, String channel, String customerId) {
    return new Client(Nodes.one(), Tokens.mint(tenant, role, role + "-" + channel, channel, customerId));
  }

  private static String in(long hours) { return Instant.now().plus(hours, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString(); }

  /** Both customers exist, with one change each, so a 404 can only be the policy's. */
  private void seed() {
    agent.commit(mine, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    agent.commit(other, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Eve"))));
  }

  private static void notFound(Client.Answer a, String what) {
    assertEquals(404, a.status(), what + ": " + a.body());
    assertEquals("not_found", a.body().path("code").asText(), what);
  }

  private static void forbidden(Client.Answer a, String what) {
    assertEquals(403, a.status(), what + ": " + a.body());
    assertEquals("forbidden", a.body().path("code").asText(), what);
  }

  // ---- customer tokens: another customer of the tenant is 404 on every endpoint ----

  @Test
  void a_customer_token_gets_404_for_another_customer_on_every_REST_endpoint() {
    seed();
    notFound(customer.get("/v1/customers/" + other + "/context"), "GET context");
    notFound(customer.get("/v1/customers/" + other + "/changes?after=0"), "GET changes");
    notFound(customer.post(other, List.of(Map.of("op", "profile.set", "fields", Map.of("x", 1)))), "POST changes");
    notFound(customer.send("POST", "/v1/customers/" + other + "/merge", Map.of("from", mine)), "POST merge");
    notFound(customer.send("DELETE", "/v1/customers/" + other), "DELETE");
    forbidden(customer.get("/v1/customers/" + other + "/reach?purpose=service&channel=sms"), "GET reach (no customer token reads reach)");
    assertEquals(1, agent.context(other).path("version").asLong(), "nothing was committed to the other customer");
  }

  @Test
  void a_customer_token_gets_404_for_another_customers_events_and_for_resolving_its_identity() throws Exception {
    seed();
    String email = other + "@example.com";
    agent.commit(other, List.of(Map.of("op", "identity.link", "type", "email", "value", email)));
    notFound(customer.get("/v1/customers:resolve?type=email&value=" + email), "resolve");
    HttpResponse<String> sse = HTTP.send(HttpRequest.newBuilder(Nodes.one().base().resolve("/v1/customers/" + other + "/events?after=0"))
        .header("Authorization", "Bearer " + customer.token).header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(404, sse.statusCode(), sse.body());
  }

  // ---- customer tokens: what they may not do even on their own customer ----

  /** The ops a customer's own app may not commit (docs/security.md); each alone is 403 and commits nothing. */
  static Stream<Arguments> staffOnlyOps() {
    return Stream.of(
        Arguments.of(Map.of("op", "identity.link", "type", "email", "value", "x@example.com")),
        Arguments.of(Map.of("op", "offer.issue", "offerId", "o-free", "title", "100% off", "originChannel", "web", "price", 0, "validUntil", in(24))),
        Arguments.of(Map.of("op", "note.add", "noteId", "n-x", "text", "I am a VIP", "visibility", "internal")),
        Arguments.of(Map.of("op", "reservation.fulfil", "reservationId", "r-1")),
        Arguments.of(Map.of("op", "case.open", "caseId", "k-x", "subject", "x")),
        Arguments.of(Map.of("op", "case.update", "caseId", "k-1", "owner", "agent-me")),
        Arguments.of(Map.of("op", "case.resolve", "caseId", "k-1")),
        Arguments.of(Map.of("op", "engagement.start", "engagementId", "e-x", "channel", "web", "activity", "x")),
        Arguments.of(Map.of("op", "engagement.end", "engagementId", "e-1")),
        Arguments.of(Map.of("op", "handoff.create", "handoffId", "h-x", "kind", "case", "ref", "k-1", "fromChannel", "web",
            "toTeam", "store:branch-X", "dueBy", in(2))),
        Arguments.of(Map.of("op", "handoff.accept", "handoffId", "h-1")),
        Arguments.of(Map.of("op", "handoff.complete", "handoffId", "h-1", "outcome", "done")));
  }

  @ParameterizedTest(name = "a customer token may not commit {0}")
  @MethodSource("staffOnlyOps")
  void a_customer_token_may_not_commit_staff_work_on_its_own_customer(Map<String, Object> op) {
    agent.commit(mine, List.of(
        Map.of("op", "reservation.hold", "reservationId", "r-1", "sku", "SOFA", "storeId", "branch-X", "until", in(48)),
        Map.of("op", "case.open", "caseId", "k-1", "subject", "Sofa leg", "owner", "agent-voice"),
        Map.of("op", "handoff.create", "handoffId", "h-1", "kind", "case", "ref", "k-1", "fromChannel", "voice", "toTeam", "store:branch-X",
            "dueBy", in(2))));
    long version = agent.context(mine).path("version").asLong();
    forbidden(customer.post(mine, List.of(op)), "customer " + op.get("op"));
    forbidden(customer.post(mine, List.of(Map.of("op", "preference.set", "key", "consent.marketing", "value", true), op)),
        "customer " + op.get("op") + " after an allowed op");
    assertEquals(version, agent.context(mine).path("version").asLong(), "a refused request commits nothing");
  }

  @Test
  void a_customer_token_may_not_merge_erase_read_reach_or_team_boards_of_its_own_customer() {
    seed();
    forbidden(customer.send("POST", "/v1/customers/" + mine + "/merge", Map.of("from", other)), "merge");
    forbidden(customer.send("DELETE", "/v1/customers/" + mine), "erase");
    forbidden(customer.get("/v1/customers/" + mine + "/reach?purpose=service&channel=sms"), "reach");
    forbidden(customer.get("/v1/teams/store:branch-X/handoffs"), "team board");
    assertEquals(1, agent.context(mine).path("version").asLong());
    assertEquals(1, agent.context(other).path("version").asLong());
  }

  @Test
  void a_customer_tokens_offer_redeem_takes_its_channel_from_the_token_not_the_body() {
    agent.commit(mine, List.of(Map.of("op", "offer.issue", "offerId", "o-store", "title", "In-store only", "originChannel", "store",
        "eligibleChannels", List.of("store"), "price", 10, "validUntil", in(24))));
    Client.Answer web = customer.post(mine, List.of(Map.of("op", "offer.redeem", "offerId", "o-store", "channel", "store")));
    assertEquals(409, web.status(), web.body().toString());
    assertEquals("offer_not_eligible", web.body().path("code").asText());
    assertEquals("issued", agent.context(mine).path("offers").path("o-store").path("status").asText());

    agent.commit(mine, List.of(Map.of("op", "offer.issue", "offerId", "o-any", "title", "Anywhere", "originChannel", "email",
        "price", 10, "validUntil", in(24))));
    JsonNode redeemed = customer.commit(mine, List.of(Map.of("op", "offer.redeem", "offerId", "o-any", "channel", "store")));
    assertEquals("web", redeemed.path("changes").get(0).path("data").path("channel").asText(), "redeemed on the token's channel");
    assertEquals("web", agent.context(mine).path("offers").path("o-any").path("redeemedChannel").asText());
  }

  /** Audit gap 11: the customer had to send a channel the token overrides anyway. */
  @Test
  void a_customer_tokens_offer_redeem_needs_no_channel_and_a_staff_tokens_does() {
    agent.commit(mine, List.of(Map.of("op", "offer.issue", "offerId", "o-a", "title", "Anywhere", "originChannel", "email",
        "price", 10, "validUntil", in(24)), Map.of("op", "offer.issue", "offerId", "o-b", "title", "Anywhere", "originChannel", "email",
        "price", 10, "validUntil", in(24))));
    JsonNode redeemed = customer.commit(mine, List.of(Map.of("op", "offer.redeem", "offerId", "o-a")));
    assertEquals("web", redeemed.path("changes").get(0).path("data").path("channel").asText(), "redeemed on the token's channel");
    Client.Answer staff = agent.post(mine, List.of(Map.of("op", "offer.redeem", "offerId", "o-b")));
    assertEquals(400, staff.status(), staff.body().toString());
    assertEquals("validation_failed", staff.body().path("code").asText());
    assertTrue(staff.body().path("detail").asText().contains("ops[0].channel"), staff.body().toString());
    assertEquals("issued", agent.context(mine).path("offers").path("o-b").path("status").asText());
  }

  /** Audit gap 11: a customer's note.add with an internal note's id answered "note n-int already exists". */
  @Test
  void a_customer_note_with_the_id_of_an_internal_note_is_taken_and_reveals_nothing() {
    agent.commit(mine, List.of(Map.of("op", "note.add", "noteId", "n-int", "text", "SECRET internal", "visibility", "internal")));
    Client.Answer added = customer.post(mine, List.of(Map.of("op", "note.add", "noteId", "n-int", "text", "my note", "visibility", "customer")));
    assertEquals(200, added.status(), added.body().toString());
    assertFalse(added.body().toString().contains("SECRET"), added.body().toString());
    JsonNode seen = customer.context(mine).path("notes");
    assertEquals(1, seen.size(), seen.toString());
    assertEquals("my note", seen.get(0).path("text").asText());
    Client.Answer again = customer.post(mine, List.of(Map.of("op", "note.add", "noteId", "n-int", "text", "twice", "visibility", "customer")));
    assertEquals(400, again.status(), "its own note's id is taken: " + again.body());
    assertEquals(2, agent.context(mine).path("notes").size(), "staff see both notes");
  }

  @Test
  void a_customer_token_cannot_end_an_agents_engagement() {
    seed();
    try (var screen = agent.stream()) {
      screen.subscribe(mine);
      screen.send(Map.of("type", "engage", "customerId", mine, "channel", "voice", "activity", "on-call"));
      JsonNode started = screen.await(f -> "engagement.start".equals(f.path("op").asText()), "the engagement.start change");
      String engagementId = started.path("data").path("engagementId").asText();
      forbidden(customer.post(mine, List.of(Map.of("op", "engagement.end", "engagementId", engagementId))), "engagement.end");
      assertEquals("active", agent.context(mine).path("engagements").path(engagementId).path("status").asText());
    }
  }

  // ---- customer tokens on the WebSocket ----

  @Test
  void a_customer_tokens_frames_beyond_its_customer_are_error_frames_forbidden() {
    seed();
    try (var app = customer.stream()) {
      for (Map<String, Object> frame : List.of(
          Map.<String, Object>of("type", "subscribe", "customerId", other),
          Map.<String, Object>of("type", "subscribe", "team", "store:branch-X"),
          Map.<String, Object>of("type", "subscribe", "customerId", mine, "reach", Map.of("purpose", "service", "channel", "sms")),
          Map.<String, Object>of("type", "engage", "customerId", mine, "channel", "web", "activity", "browsing"),
          Map.<String, Object>of("type", "engage", "customerId", other, "channel", "web", "activity", "browsing"))) {
        String id = app.send(frame);
        JsonNode answer = app.await(f -> id.equals(f.path("id").asText()), "the answer to " + frame);
        assertEquals("error", answer.path("type").asText(), frame + " -> " + answer);
        assertEquals("forbidden", answer.path("code").asText(), frame + " -> " + answer);
      }
      assertTrue(app.frames.stream().noneMatch(f -> f.path("type").asText().equals("snapshot")), "nothing was subscribed: " + app.frames);
    }
    assertTrue(agent.context(mine).path("engagements").isEmpty(), "no engagement was started");
  }

  // ---- staff roles ----

  @Test
  void an_agent_token_may_not_erase() {
    seed();
    forbidden(agent.send("DELETE", "/v1/customers/" + mine), "agent erase");
    assertEquals(1, agent.context(mine).path("version").asLong());
  }

  @Test
  void staff_of_another_tenant_see_nothing_of_this_one() {
    seed();
    Client stranger = new Client(Nodes.one(), Tokens.mint(Tokens.newTenant(), "supervisor", "sup-x", "voice", null));
    notFound(stranger.get("/v1/customers/" + mine + "/context"), "another tenant's context");
    notFound(stranger.get("/v1/customers/" + mine + "/changes?after=0"), "another tenant's history");
    try (var s = stranger.stream()) {
      String id = s.send(Map.of("type", "subscribe", "customerId", mine));
      JsonNode snapshot = s.await(f -> f.path("type").asText().equals("snapshot"), "the stranger's snapshot");
      assertEquals(0, snapshot.path("version").asLong(), "the same id under another tenant is another, empty customer");
      assertFalse(snapshot.toString().contains("Ada"));
      assertEquals(id, s.await(f -> f.path("type").asText().equals("subscribed"), "subscribed").path("id").asText());
    }
  }

  // ---- no token ----

  @Test
  void no_token_is_401_on_every_endpoint() throws Exception {
    seed();
    for (String[] call : List.of(new String[] {"GET", "/v1/customers/" + mine + "/context"}, new String[] {"POST", "/v1/customers/" + mine + "/changes"},
        new String[] {"GET", "/v1/customers/" + mine + "/changes?after=0"}, new String[] {"GET", "/v1/customers/" + mine + "/events"},
        new String[] {"POST", "/v1/customers/" + mine + "/merge"}, new String[] {"DELETE", "/v1/customers/" + mine},
        new String[] {"GET", "/v1/customers:resolve?type=email&value=a"}, new String[] {"GET", "/v1/customers/" + mine + "/reach"},
        new String[] {"GET", "/v1/teams/store:x/handoffs"})) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(Nodes.one().base() + call[1]))
          .method(call[0], HttpRequest.BodyPublishers.ofString("{\"ops\":[]}")).header("Content-Type", "application/json")
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, r.statusCode(), call[0] + " " + call[1]);
      assertEquals("unauthorized", Client.JSON.readTree(r.body()).path("code").asText(), call[0] + " " + call[1]);
    }
  }
}
