package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 defects 2 and 3, deliverable 4: requests and documents are bounded, and a refusal is a typed
 * 4xx computed before anything is committed. Answer sizes are printed (no timing is asserted).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LimitsIT {
  private final String tenant = Tokens.newTenant();
  private final Client crm = new Client(Nodes.one(), Tokens.mint(tenant, "integration", "crm", "system", null));

  private static String inHours(long h) { return Instant.now().plus(h, ChronoUnit.HOURS).toString(); }

  /** n appointments from id {@code from}, in {@code hours} (within 48 h each is an attention cue). */
  private static List<Map<String, Object>> appointments(int from, int n, long hours) {
    List<Map<String, Object>> ops = new ArrayList<>();
    for (int i = from; i < from + n; i++) ops.add(Map.of("op", "appointment.schedule", "appointmentId", "a-" + i, "kind", "fitting", "at", inHours(hours)));
    return ops;
  }

  @Test
  void a_date_far_in_the_future_is_400_and_commits_nothing() {
    String customer = Tokens.newId("far");
    Client.Answer a = crm.post(customer, List.of(Map.of("op", "appointment.schedule", "appointmentId", "a-1", "kind", "x",
        "at", "+999999999-12-31T23:59:59Z")));
    assertEquals(400, a.status(), a.body().toString());
    assertEquals("validation_failed", a.body().path("code").asText());
    assertTrue(a.body().path("detail").asText().contains("ops[0].at"), a.body().toString());
    assertEquals(404, crm.get("/v1/customers/" + customer + "/context").status(), "nothing was committed");
  }

  @Test
  void more_ops_than_a_request_may_carry_are_400() {
    Client.Answer a = crm.post(Tokens.newId("many"), appointments(0, 101, 24 * 30));
    assertEquals(400, a.status(), a.body().toString());
    assertEquals("validation_failed", a.body().path("code").asText());
  }

  @Test
  void a_customer_token_scheduling_appointments_meets_413_at_the_limit_and_the_node_serves_on() {
    String customer = Tokens.newId("self");
    Client own = new Client(Nodes.two(), Tokens.mint(tenant, "customer", customer + "-app", "mobile", customer));
    for (int request = 0; request < 2; request++) {
      Client.Answer a = own.post(customer, appointments(100 * request, 100, 24 * 30));
      assertEquals(200, a.status(), a.body().toString());
    }
    Client.Answer over = own.post(customer, appointments(200, 1, 24 * 30));
    assertEquals(413, over.status(), over.body().toString());
    assertEquals("too_large", over.body().path("code").asText());
    assertEquals(200, own.context(customer).path("version").asLong(), "the refused request committed nothing");
    Client.Answer inPlace = own.post(customer, List.of(Map.of("op", "appointment.cancel", "appointmentId", "a-0")));
    assertEquals(200, inPlace.status(), "a full collection still changes in place: " + inPlace.body());
  }

  @Test
  void requests_whose_changes_carry_ever_longer_attention_meet_413_before_their_answers_grow_past_1_mib() {
    String customer = Tokens.newId("soon");
    Client own = new Client(Nodes.two(), Tokens.mint(tenant, "customer", customer + "-app", "mobile", customer));
    int scheduled = 0;
    Client.Answer a;
    while (true) {
      long started = System.nanoTime();
      a = own.post(customer, appointments(scheduled, 50, 24));
      if (a.status() != 200) break;
      System.out.printf("LimitsIT: 50 appointment.schedule ops within 48 h at %d appointments: %d bytes answered in %d ms%n", scheduled,
          a.body().toString().length(), (System.nanoTime() - started) / 1_000_000);
      assertTrue(a.body().toString().length() < 1_200_000, "an answer stays near 1 MiB: " + a.body().toString().length());
      scheduled += 50;
      assertTrue(scheduled <= 200, "the answers keep growing: no limit met");
    }
    assertEquals(413, a.status(), a.body().toString());
    assertEquals("too_large", a.body().path("code").asText());
    assertEquals(scheduled, own.context(customer).path("version").asLong(), "the refused request committed nothing");
  }

  @Test
  void a_document_over_its_byte_limit_is_413_and_commits_nothing() {
    String customer = Tokens.newId("big");
    String text = "x".repeat(4000);
    int committed = 0;
    Client.Answer last = null;
    for (int request = 0; request < 6; request++) {
      List<Map<String, Object>> notes = new ArrayList<>();
      for (int i = 0; i < 60; i++) notes.add(Map.of("op", "note.add", "noteId", "n-" + request + "-" + i, "text", text, "visibility", "customer"));
      last = crm.post(customer, notes);
      if (last.status() != 200) break;
      committed += 60;
    }
    assertEquals(413, last.status(), last.body().toString());
    assertEquals("too_large", last.body().path("code").asText());
    assertTrue(committed >= 180 && committed < 300, committed + " notes of 4000 characters went in before 1 MiB");
    assertEquals(committed, crm.context(customer).path("version").asLong());
  }

  @Test
  void a_merge_the_limits_refuse_is_413_and_leaves_the_duplicate_untouched() {
    Nodes.Node small = Nodes.startExtra("limits-small", Map.of("OMNICONTEXT_LIMITS_NOTES", "3"));
    try {
      Client staff = new Client(small, Tokens.mint(tenant, "agent", "agent-1", "voice", null));
      String survivor = Tokens.newId("keep"), duplicate = Tokens.newId("dup");
      for (String c : List.of(survivor, duplicate)) {
        staff.commit(c, List.of(Map.of("op", "note.add", "noteId", c + "-1", "text", "one", "visibility", "customer"),
            Map.of("op", "note.add", "noteId", c + "-2", "text", "two", "visibility", "customer")));
      }
      Client.Answer merged = staff.send("POST", "/v1/customers/" + survivor + "/merge", Map.of("from", duplicate));
      assertEquals(413, merged.status(), merged.body().toString());
      assertEquals("too_large", merged.body().path("code").asText());
      assertTrue(staff.context(duplicate).path("mergedInto").isNull(), "the duplicate was not tombstoned");
      assertEquals(200, staff.post(duplicate, List.of(Map.of("op", "profile.set", "fields", Map.of("still", "writable")))).status());
    } finally {
      small.process().destroy();
    }
  }

  /** A duplicate holding ~300 KiB of notes (75 of 4,000 characters, in three requests) and an email. */
  private String largeDuplicate(Client staff, String email) {
    String duplicate = Tokens.newId("bigdup");
    String text = "n".repeat(4000);
    for (int request = 0; request < 3; request++) {
      List<Map<String, Object>> notes = new ArrayList<>();
      for (int i = 0; i < 25; i++) notes.add(Map.of("op", "note.add", "noteId", "n-" + request + "-" + i, "text", text, "visibility", "customer"));
      staff.commit(duplicate, notes);
    }
    staff.commit(duplicate, List.of(Map.of("op", "identity.link", "type", "email", "value", email)));
    return duplicate;
  }

  /** Gap 1 of the audit: the survivor's customer.merge passed change-bytes only after the duplicate was tombstoned. */
  private void assertBothUntouched(Client staff, String survivor, long survivorVersion, String duplicate) {
    JsonNode kept = staff.context(survivor);
    assertEquals(survivorVersion, kept.path("version").asLong(), "the survivor committed nothing");
    assertEquals(0, kept.path("mergedFrom").size(), kept.path("mergedFrom").toString());
    assertTrue(staff.context(duplicate).path("mergedInto").isNull(), "the duplicate was not tombstoned");
    assertEquals(200, staff.post(duplicate, List.of(Map.of("op", "profile.set", "fields", Map.of("still", "writable")))).status(),
        "the duplicate still takes writes");
  }

  @Test
  void a_merge_whose_change_passes_the_byte_limit_is_413_before_the_duplicate_is_tombstoned() {
    Client staff = new Client(Nodes.one(), Tokens.mint(tenant, "agent", "agent-1", "voice", null));
    String survivor = Tokens.newId("keep");
    staff.commit(survivor, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    String duplicate = largeDuplicate(staff, survivor + "@example.com");
    Client.Answer merged = staff.send("POST", "/v1/customers/" + survivor + "/merge", Map.of("from", duplicate));
    assertEquals(413, merged.status(), merged.body().toString());
    assertEquals("too_large", merged.body().path("code").asText());
    assertBothUntouched(staff, survivor, 1, duplicate);
    assertEquals(413, staff.send("POST", "/v1/customers/" + survivor + "/merge", Map.of("from", duplicate)).status(), "a retry is refused the same way");
  }

  @Test
  void an_identity_link_with_merge_whose_merge_passes_the_byte_limit_is_413_before_the_duplicate_is_tombstoned() {
    Client staff = new Client(Nodes.one(), Tokens.mint(tenant, "agent", "agent-1", "voice", null));
    String survivor = Tokens.newId("keep"), email = survivor + "@example.com";
    staff.commit(survivor, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    String duplicate = largeDuplicate(staff, email);
    Client.Answer linked = staff.post(survivor, List.of(Map.of("op", "identity.link", "type", "email", "value", email, "merge", true)));
    assertEquals(413, linked.status(), linked.body().toString());
    assertEquals("too_large", linked.body().path("code").asText());
    assertBothUntouched(staff, survivor, 1, duplicate);
  }

  /** Gap 2 of the audit: profile values had no length bound (a 250 KB string went in per change). */
  @Test
  void a_profile_string_over_4000_characters_is_400_at_any_depth_and_commits_nothing() {
    String customer = Tokens.newId("long");
    Client own = new Client(Nodes.one(), Tokens.mint(tenant, "customer", customer + "-app", "mobile", customer));
    for (Object value : List.<Object>of("x".repeat(4001), Map.of("inner", List.of("x".repeat(4001))), Map.of("k".repeat(4001), 1))) {
      Client.Answer a = own.post(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("bio", value))));
      assertEquals(400, a.status(), a.body().toString());
      assertEquals("validation_failed", a.body().path("code").asText());
      assertTrue(a.body().path("detail").asText().contains("ops[0].fields"), a.body().toString());
    }
    assertEquals(404, crm.get("/v1/customers/" + customer + "/context").status(), "nothing was committed");
    assertEquals(200, own.post(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("bio", "x".repeat(4000))))).status());
  }

  /** 150 profile.set changes of ~12 KB each (the value and its two patches): ~1.8 MB of change JSON. */
  private static String heavyHistory(Client writer) {
    String customer = Tokens.newId("pages");
    String text = "p".repeat(3990);
    for (int request = 0; request < 3; request++) {
      List<Map<String, Object>> ops = new ArrayList<>();
      for (int i = 0; i < 50; i++) ops.add(Map.of("op", "profile.set", "fields", Map.of("bio", request + "-" + i + text)));
      writer.commit(customer, ops);
    }
    return customer;
  }

  /** The first page is cut near 1 MiB with next; paging on gives every change once, in order. */
  private static void assertPagedNearOneMiB(Client reader, String customer, String where) {
    Client.Answer first = reader.get("/v1/customers/" + customer + "/changes?after=0&limit=1000");
    assertEquals(200, first.status(), first.body().toString());
    int size = first.body().path("changes").size();
    System.out.printf("LimitsIT: a history page of 150 changes of ~12 KB each from %s stopped at %d changes, %d bytes%n", where, size,
        first.body().path("changes").toString().length());
    assertTrue(size > 0 && size < 150, "the page was cut: " + size);
    assertTrue(first.body().path("changes").toString().length() < 1_200_000, "the page stays near 1 MiB");
    assertEquals(size, first.body().path("next").asLong(), "next names the last version of the page");
    long expected = 1;
    long after = 0;
    while (true) {
      Client.Answer page = reader.get("/v1/customers/" + customer + "/changes?after=" + after + "&limit=1000");
      assertEquals(200, page.status(), page.body().toString());
      for (JsonNode c : page.body().path("changes")) assertEquals(expected++, c.path("version").asLong(), "pages are gap-free and in order");
      if (page.body().path("next").isNull() || page.body().path("next").isMissingNode()) break;
      after = page.body().path("next").asLong();
    }
    assertEquals(151, expected, "every change came, once");
  }

  /** Gap 2 of the audit: a page of 1,000 changes was built whole whatever their size (up to 256 KiB each). */
  @Test
  void a_history_page_stops_near_1_mib_of_changes_and_next_continues_gap_free() {
    assertPagedNearOneMiB(crm, heavyHistory(crm), "Redis");
  }

  /** The same bound where Redis's log window no longer reaches: PostgreSQL cuts the page in its query. */
  @Test
  void a_history_page_read_from_the_journal_stops_near_1_mib_too() {
    Nodes.Node small = Nodes.startExtra("limits-window", Map.of("OMNICONTEXT_REDIS_LOG_WINDOW", "10"));
    try {
      Client writer = new Client(small, Tokens.mint(tenant, "integration", "crm", "system", null));
      assertPagedNearOneMiB(writer, heavyHistory(writer), "PostgreSQL");
    } finally {
      small.process().destroy();
    }
  }
}
