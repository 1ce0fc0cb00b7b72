package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The stories this product exists for, end to end: real processes, real Redis, real WebSocket clients. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ChannelStoriesIT implements Topology {
  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");

  private Client as(Nodes.Node node, String role, String channel) {
    return new Client(node, Tokens.mint(tenant, role, role + "-" + channel, channel, role.equals("customer") ? customer : null));
  }

  private static String in(long hours) { return Instant.now().plus(hours, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString(); }

  private static boolean change(JsonNode f, String op) { return f.path("type").asText().equals("change") && f.path("op").asText().equals(op); }

  @Test
  void an_email_offer_is_seen_at_once_by_voice_and_store_and_is_redeemed_exactly_once() {
    Client email = as(one(), "integration", "email");
    Client voice = as(one(), "agent", "voice");
    Client store = as(two(), "agent", "store");
    try (var voiceScreen = voice.stream(); var storeTablet = store.stream()) {
      voiceScreen.subscribe(customer);
      storeTablet.subscribe(customer);
      email.commit(customer, List.of(Map.of("op", "offer.issue", "offerId", "o-sofa", "title", "Green sofa -15%",
          "originChannel", "email", "price", 849, "validUntil", in(24))));
      for (var screen : List.of(voiceScreen, storeTablet)) {
        JsonNode issued = screen.await(f -> change(f, "offer.issue"), "the offer.issue change");
        assertEquals(1, issued.path("version").asLong());
        assertEquals("o-sofa", issued.path("data").path("offerId").asText());
      }

      store.commit(customer, List.of(Map.of("op", "offer.redeem", "offerId", "o-sofa", "channel", "store")));
      JsonNode redeemed = voiceScreen.await(f -> change(f, "offer.redeem"), "the redeem seen by the voice agent");
      assertEquals("store", redeemed.path("data").path("channel").asText());
      assertEquals("redeemed", voice.context(customer).path("offers").path("o-sofa").path("status").asText());

      var again = voice.post(customer, List.of(Map.of("op", "offer.redeem", "offerId", "o-sofa", "channel", "voice")));
      assertEquals(409, again.status());
      assertEquals("offer_already_redeemed", again.body().path("code").asText());
      assertEquals("store", again.body().path("redeemedChannel").asText());
      assertEquals(2, voice.context(customer).path("version").asLong(), "the refused redeem commits nothing");
    }
  }

  @Test
  void a_rescheduled_appointment_reaches_the_back_office_and_the_mobile_app_version_by_version() {
    Client voice = as(one(), "agent", "voice");
    Client backOffice = as(two(), "integration", "system");
    Client mobile = as(three(), "customer", "mobile");
    String first = in(48), second = in(72), third = in(96);
    voice.commit(customer, List.of(Map.of("op", "appointment.schedule", "appointmentId", "a-transfer", "kind", "service-transfer", "at", first)));
    try (var transfers = backOffice.stream(); var app = mobile.stream()) {
      transfers.subscribe(customer);
      app.subscribe(customer);
      voice.commit(customer, List.of(Map.of("op", "appointment.reschedule", "appointmentId", "a-transfer", "at", second)));
      voice.commit(customer, List.of(Map.of("op", "appointment.reschedule", "appointmentId", "a-transfer", "at", third)));
      for (var screen : List.of(transfers, app)) {
        JsonNode last = screen.await(f -> change(f, "appointment.reschedule") && f.path("version").asLong() == 3, "version 3");
        assertEquals(Instant.parse(third), Instant.parse(last.path("data").path("at").asText()));
        assertEquals(List.of(2L, 3L), screen.versions(customer), "version by version, no gap, no duplicate");
      }
      JsonNode appointment = mobile.context(customer).path("appointments").path("a-transfer");
      assertEquals("scheduled", appointment.path("status").asText());
      assertEquals(Instant.parse(second), Instant.parse(appointment.path("previousAt").asText()));
    }
  }

  @Test
  void a_reservation_held_in_chat_is_seen_by_the_store_and_concurrent_fulfil_and_release_leave_one_winner() {
    Client chat = as(one(), "agent", "chat");
    Client store = as(two(), "agent", "store");
    try (var tablet = store.stream()) {
      tablet.subscribe(customer);
      chat.commit(customer, List.of(Map.of("op", "reservation.hold", "reservationId", "r-sofa", "sku", "SOFA-GREEN", "storeId", "branch-S", "until", in(48))));
      JsonNode held = tablet.await(f -> change(f, "reservation.hold"), "the hold seen by the store tablet");
      assertEquals("branch-S", held.path("data").path("storeId").asText());
    }
    chat.commit(customer, List.of(Map.of("op", "reservation.hold", "reservationId", "r-lamp", "sku", "LAMP", "storeId", "branch-S", "until", in(48))));
    chat.commit(customer, List.of(Map.of("op", "reservation.release", "reservationId", "r-lamp")));
    store.commit(customer, List.of(Map.of("op", "reservation.fulfil", "reservationId", "r-sofa")));
    JsonNode reservations = chat.context(customer).path("reservations");
    assertEquals("released", reservations.path("r-lamp").path("status").asText());
    assertEquals("fulfilled", reservations.path("r-sofa").path("status").asText());

    for (int round = 0; round < 5; round++) {
      String id = "r-race-" + round;
      chat.commit(customer, List.of(Map.of("op", "reservation.hold", "reservationId", id, "sku", "CHAIR", "storeId", "branch-S", "until", in(48))));
      var fulfil = CompletableFuture.supplyAsync(() -> store.post(customer, List.of(Map.of("op", "reservation.fulfil", "reservationId", id))));
      var release = CompletableFuture.supplyAsync(() -> chat.post(customer, List.of(Map.of("op", "reservation.release", "reservationId", id))));
      List<Client.Answer> answers = List.of(fulfil.join(), release.join());
      assertEquals(1, answers.stream().filter(a -> a.status() == 200).count(), "exactly one winner: " + answers);
      Client.Answer loser = answers.stream().filter(a -> a.status() != 200).findFirst().orElseThrow();
      assertEquals(409, loser.status());
      assertEquals("invalid_state", loser.body().path("code").asText());
      String status = chat.context(customer).path("reservations").path(id).path("status").asText();
      assertEquals(answers.get(0).status() == 200 ? "fulfilled" : "released", status);
    }
  }

  @Test
  void a_browser_event_source_with_access_token_receives_the_changes_with_their_versions_as_ids() throws Exception {
    Client agent = as(two(), "agent", "web");
    agent.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    var uri = two().base().resolve("/v1/customers/" + customer + "/events?after=0&access_token=" + agent.token);
    var lines = java.net.http.HttpClient.newHttpClient()
        .send(java.net.http.HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, lines.statusCode());
    String firstId = CompletableFuture.supplyAsync(() -> lines.body().filter(l -> l.startsWith("id:")).findFirst().orElse(""))
        .orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
    assertEquals("id:1", firstId.replace(" ", ""));
    lines.body().close();
  }

  @Test
  void two_processes_deliver_every_change_once_and_in_order_to_subscribers_on_either() {
    Client writer = as(one(), "integration", "system");
    writer.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    try (var onOne = as(one(), "agent", "web").stream(); var onTwo = as(two(), "agent", "voice").stream()) {
      onOne.subscribe(customer);
      onTwo.subscribe(customer);
      List<CompletableFuture<JsonNode>> writes = IntStream.range(0, 20)
          .mapToObj(i -> CompletableFuture.supplyAsync(() -> writer.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("k" + i, i))))))
          .toList();
      writes.forEach(CompletableFuture::join);
      List<Long> expected = LongStream.rangeClosed(2, 21).boxed().toList();
      for (var s : List.of(onOne, onTwo)) {
        s.await(f -> f.path("version").asLong() == 21 && f.path("type").asText().equals("change"), "version 21");
        assertEquals(expected, s.versions(customer));
      }
    }
  }
}
