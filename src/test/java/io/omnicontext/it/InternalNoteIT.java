package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, audiences: an internal note written by an agent (an ordinary note.add, no merge) never reaches a customer
 * token by any path: context, history page, WebSocket live change, snapshot and resume, SSE live and resume
 * (Last-Event-ID), the answer of the customer's own write, an idempotent replay of the agent's request, error
 * messages. The change itself arrives, as the redacted placeholder, so a subscriber still sees every version.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class InternalNoteIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");
  private final String marker = "INTERNAL-" + Tokens.newId("note");
  private final Client agent = new Client(Nodes.one(), Tokens.mint(tenant, "agent", "agent-ada", "voice", null));
  private final Client app = new Client(Nodes.two(), Tokens.mint(tenant, "customer", "app", "web", customer));
  private final List<Map<String, Object>> internalNote = List.of(Map.of("op", "note.add", "noteId", "n-int", "text", marker, "visibility", "internal"));

  private void assertNoMarker(String where, Object shown) {
    assertFalse(String.valueOf(shown).contains(marker), where + " shows the internal note to a customer token: " + shown);
  }

  @Test
  void an_internal_note_never_reaches_a_customer_token_by_any_path() throws Exception {
    agent.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Julia"))));
    try (Client.Stream live = app.stream(); Client.Events sse = app.events(customer, 0)) {
      int after = live.subscribe(customer);
      assertNoMarker("the WebSocket snapshot before the note", live.frames);
      sse.await("profile.set", "v1 on SSE");

      Client.Answer written = agent.post(customer, internalNote, "key-note");
      assertEquals(200, written.status(), written.body().toString());
      assertTrue(written.body().toString().contains(marker), "staff see the note: the test can see a leak");
      assertTrue(agent.context(customer).toString().contains(marker), "staff read it back");

      JsonNode pushed = live.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == 2, "v2 live on WebSocket");
      assertEquals("redacted", pushed.path("op").asText(), "the live change is the placeholder: " + pushed);
      assertNoMarker("the live WebSocket frames", live.frames.subList(after, live.frames.size()));
      String event = sse.await("\"version\":2", "v2 live on SSE");
      assertTrue(event.contains("redacted"), "the live SSE event is the placeholder: " + event);
      assertNoMarker("the live SSE events", sse.data);
    }

    assertNoMarker("GET context", app.context(customer));
    Client.Answer history = app.get("/v1/customers/" + customer + "/changes?after=0");
    assertEquals(200, history.status());
    assertEquals("redacted", history.body().path("changes").get(1).path("op").asText(), history.body().toString());
    assertNoMarker("GET changes", history.body());

    try (Client.Stream snapshot = app.on(Nodes.three()).stream(); Client.Stream resumed = app.on(Nodes.three()).stream()) {
      snapshot.subscribe(customer);
      assertNoMarker("a WebSocket snapshot after the note", snapshot.frames);
      resumed.send(Map.of("type", "subscribe", "customerId", customer, "after", 0));
      JsonNode replayed = resumed.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == 2, "v2 replayed on WebSocket");
      assertEquals("redacted", replayed.path("op").asText(), replayed.toString());
      assertNoMarker("a resumed WebSocket subscription", resumed.frames);
    }

    List<String> resumedSse = sseUntilVersion(2, "Last-Event-ID", "1");
    assertTrue(resumedSse.stream().anyMatch(d -> d.contains("redacted")), "v2 replayed on SSE after Last-Event-ID 1: " + resumedSse);
    assertNoMarker("an SSE stream resumed with Last-Event-ID", resumedSse);

    Client.Answer own = app.post(customer, List.of(Map.of("op", "preference.set", "key", "consent.marketing", "value", true)));
    assertEquals(200, own.status(), own.body().toString());
    assertNoMarker("the answer of the customer's own write", own.body());

    Client.Answer replay = app.post(customer, internalNote, "key-note"); // the agent's request, key and body alike
    assertTrue(replay.status() < 500, "a replay or a refusal, not a failure: " + replay.status() + " " + replay.body());
    assertNoMarker("an idempotent replay of the agent's request", replay.body());

    // A customer's note with the internal note's id is its own note (ids are unique per visibility): taken, it
    // would have told the customer the internal note exists.
    Client.Answer sameId = app.post(customer, List.of(Map.of("op", "note.add", "noteId", "n-int", "text", "mine", "visibility", "customer")));
    assertEquals(200, sameId.status(), "a customer note may reuse an internal note's id: " + sameId.body());
    assertNoMarker("the answer to a customer note with the internal note's id", sameId.body());

    // Refusals of the customer's own requests (none of which holds the marker): their messages quote nothing internal.
    List<Client.Answer> refusals = List.of(
        app.post(customer, List.of(Map.of("op", "note.add", "noteId", "n-2", "text", "mine", "visibility", "internal"))),
        app.post(customer, List.of(Map.of("op", "case.open", "caseId", "k-1", "subject", "Sofa"))),
        app.send("POST", "/v1/customers/" + customer + "/merge", Map.of("from", customer)),
        app.send("DELETE", "/v1/customers/" + customer));
    for (Client.Answer a : refusals) {
      assertTrue(a.status() >= 400 && a.status() < 500, a.status() + " " + a.body());
      assertNoMarker("an error message", a.body());
    }
    assertNoMarker("the context at the end", app.context(customer));
  }

  /** The data of an SSE stream of the customer opened with one header, until an event of the version arrives. */
  private List<String> sseUntilVersion(long version, String header, String value) {
    List<String> data = new ArrayList<>();
    HttpResponse<java.util.stream.Stream<String>> r = CompletableFuture.supplyAsync(() -> {
      try {
        return HTTP.send(HttpRequest.newBuilder(Nodes.one().base().resolve("/v1/customers/" + customer + "/events?after=0&access_token=" + app.token))
            .header("Accept", "text/event-stream").header(header, value).build(), HttpResponse.BodyHandlers.ofLines());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(200, r.statusCode());
    try (var lines = r.body()) {
      CompletableFuture.runAsync(() -> lines.takeWhile(l -> {
        if (l.startsWith("data:")) data.add(l.substring(5).trim());
        return data.stream().noneMatch(d -> d.contains("\"version\":" + version));
      }).forEach(l -> {})).orTimeout(Client.PUSH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).join();
    }
    return data;
  }
}
