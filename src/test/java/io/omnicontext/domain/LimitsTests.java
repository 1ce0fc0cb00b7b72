package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Bounded requests and documents: refused while parsing or computing the commit, so never after committing. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LimitsTests {
  /** The shipped defaults (OmnicontextConfig.Limits). */
  private static final Limits SHIPPED = new Limits(100, 200, 8, 4000, 200, 500, 200, 200, 200, 1000, 200, 50, 200, 100);
  private static final Limits SMALL = new Limits(3, 4, 2, 10, 4, 4, 4, 4, 4, 4, 4, 4, 4, 100);

  @SafeVarargs
  private static List<Op> bounded(Map<String, Object>... ops) { return OpParser.parse(List.of(ops), SHIPPED, T0); }

  private static void assertRefusedAt(String field, Map<String, Object> op) {
    Refusal r = refusal(Reason.VALIDATION_FAILED, () -> bounded(op));
    assertTrue(r.getMessage().contains(field), r.getMessage());
  }

  @Test
  void a_request_holds_at_most_the_configured_number_of_ops() {
    var ops = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < SHIPPED.opsPerRequest(); i++) ops.add(pref("k" + i, i));
    assertEquals(100, OpParser.parse(ops, SHIPPED, T0).size());
    ops.add(pref("one.more", true));
    Refusal r = refusal(Reason.VALIDATION_FAILED, () -> OpParser.parse(ops, SHIPPED, T0));
    assertTrue(r.getMessage().contains("at most 100"), r.getMessage());
  }

  @Test
  void a_time_far_in_the_future_or_before_1970_is_refused_while_parsing() {
    assertRefusedAt("ops[0].at", schedule("a-1", "+999999999-12-31T23:59:59Z"));
    assertRefusedAt("ops[0].at", schedule("a-1", "-999999999-01-01T00:00:00Z"));
    assertRefusedAt("ops[0].until", hold("r-1", "1969-12-31T23:59:59Z"));
    assertRefusedAt("ops[0].validUntil", issue("o-1", "validUntil", "2200-01-01T00:00:00Z"));
    assertRefusedAt("ops[0].dueBy", handoff("h-1", "store:branch-X", "1900-01-01T00:00:00Z"));
    assertEquals(Instant.parse("2126-11-23T00:00:00Z"), ((ScheduleOps.AppointmentSchedule) bounded(schedule("a-1", "2126-11-23T00:00:00Z")).get(0)).at());
  }

  @Test
  void a_journaled_far_time_still_replays() {
    Op replayed = OpParser.replay("appointment.schedule", Map.of("appointmentId", "a-1", "kind", "x", "at", "+999999999-12-31T23:59:59Z"));
    assertEquals(Instant.parse("+999999999-12-31T23:59:59Z"), ((ScheduleOps.AppointmentSchedule) replayed).at());
  }

  @Test
  void a_string_holding_u0000_or_a_lone_surrogate_is_refused_anywhere_in_an_op() {
    assertRefusedAt("ops[0].value", link("email", "a\u0000b@example.com"));
    assertRefusedAt("ops[0].fields.name", profileSet("name", "x\uD800"));
    assertRefusedAt("ops[0].fields.address.street", profileSet("address", Map.of("street", "\uDC00 lane")));
    assertRefusedAt("ops[0].fields (a member name)", profileSet("na\u0000me", "Ada"));
    assertRefusedAt("ops[0].text", plus(note("n-1", "customer"), "text", "nul \u0000 inside"));
    assertEquals(1, bounded(profileSet("name", "Zoë \uD83D\uDE00")).size(), "a surrogate pair is a real character");
    assertTrue(StoredText.storable("Zoë \uD83D\uDE00"));
    assertTrue(!StoredText.storable("\uD83D") && !StoredText.storable("\uDE00x") && !StoredText.storable("a\u0000"));
  }

  @Test
  void profile_values_nest_at_most_the_configured_depth() {
    Map<String, Object> deep = Map.of("a", 1);
    for (int i = 1; i < SHIPPED.profileDepth(); i++) deep = Map.of("n", deep);
    assertEquals(1, bounded(profileSet("deep", deep)).size());
    assertRefusedAt("ops[0].fields", profileSet("deeper", Map.of("n", deep)));
    assertRefusedAt("ops[0].fields", profileSet("list", List.of(List.of(List.of(List.of(List.of(List.of(List.of(List.of(List.of(1)))))))))));
  }

  /** Audit gap 2: only preference values were bounded; a profile value took a string of any length. */
  @Test
  void profile_strings_hold_at_most_the_configured_characters_at_any_depth_member_names_included() {
    String longest = "x".repeat(SHIPPED.profileText());
    assertEquals(1, bounded(profileSet("bio", longest)).size());
    assertEquals(1, bounded(profileSet("bio", Map.of(longest, List.of(longest)))).size());
    assertRefusedAt("ops[0].fields", profileSet("bio", longest + "x"));
    assertRefusedAt("ops[0].fields", profileSet("bio", Map.of("a", List.of(1, Map.of("b", longest + "x")))));
    assertRefusedAt("ops[0].fields", profileSet("bio", Map.of(longest + "x", 1)));
    assertRefusedAt("ops[0].fields", profileSet(longest + "x", 1));
    Op replayed = OpParser.replay("profile.set", Map.of("fields", Map.of("bio", longest + "x")));
    assertEquals("profile.set", replayed.name(), "a journaled value replays whatever its length");
  }

  @Test
  void a_commit_that_grows_a_collection_past_its_limit_is_too_large_and_commits_nothing() {
    CustomerContext four = after(empty(), T0, schedule("a-1", WEEK_LATER), schedule("a-2", WEEK_LATER), schedule("a-3", WEEK_LATER),
        schedule("a-4", WEEK_LATER));
    Refusal r = refusal(Reason.TOO_LARGE, () -> ContextRules.commit(four, parse(schedule("a-5", WEEK_LATER)), AGENT, T0, SMALL));
    assertTrue(r.getMessage().contains("at most 4 appointments"), r.getMessage());
    assertEquals(4, four.appointments().size());
    assertEquals(6, ContextRules.commit(four, parse(cancel("a-1"), reschedule("a-2", WEEK_LATER)), AGENT, T0, SMALL).lastVersion(),
        "changing items in place is no growth");
  }

  @Test
  void every_keyed_collection_and_list_is_bounded() {
    List<Map<String, Object>> growers = List.of(profileSet("a", 1, "b", 2, "c", 3, "d", 4, "e", 5), link("phone", "+1"),
        pref("p", 1), note("n", "customer"), hold("r", WEEK_LATER), openCase("k"), startEngagement("e"),
        handoff("h", "store:branch-X", WEEK_LATER), issue("o"), schedule("a", WEEK_LATER));
    for (Map<String, Object> grower : growers) {
      CustomerContext c = empty();
      if (!grower.get("op").equals("profile.set")) {
        for (int i = 0; i < 4; i++) c = after(c, T0, withId(grower, i));
      }
      CustomerContext full = c;
      Map<String, Object> next = grower.get("op").equals("profile.set") ? grower : withId(grower, 4);
      refusal(Reason.TOO_LARGE, () -> ContextRules.commit(full, parse(next), AGENT, T0, SMALL));
    }
  }

  @Test
  void a_collection_already_over_a_lowered_limit_may_still_change_in_place() {
    CustomerContext c = given(hold("r-1", WEEK_LATER), hold("r-2", WEEK_LATER), hold("r-3", WEEK_LATER), hold("r-4", WEEK_LATER),
        hold("r-5", WEEK_LATER));
    assertEquals("released", ContextRules.commit(c, parse(release("r-1")), AGENT, T0, SMALL).after().reservations().get("r-1").status());
  }

  /** The op with its id (and identity value or preference key) made unique by i. */
  private static Map<String, Object> withId(Map<String, Object> op, int i) {
    var m = new java.util.LinkedHashMap<>(op);
    for (String id : List.of("noteId", "reservationId", "caseId", "engagementId", "handoffId", "offerId", "appointmentId", "key")) {
      if (m.containsKey(id)) m.put(id, m.get(id) + "-" + i);
    }
    if (m.containsKey("value") && m.get("op").equals("identity.link")) m.put("value", "+1555000" + i);
    return m;
  }
}
