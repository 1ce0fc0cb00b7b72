package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AttentionTests {
  static final Instant T1 = T0.plusSeconds(3600);
  static final Instant T2 = T0.plusSeconds(7200);

  @Test
  void an_issued_offer_is_offer_redeemable_until_it_is_redeemed() {
    Commit issued = commit(empty(), T0, issue("o-1", "eligibleChannels", List.of("web", "store")));
    assertEquals(List.of(new AttentionItem("offer_redeemable", "o-1", T0, "info", "web,store")), issued.changes().get(0).attention());
    assertEquals(issued.changes().get(0).attention(), issued.after().attention());
    Commit redeemed = commit(issued.after(), T1, redeem("o-1", "web"));
    assertEquals(List.of(), redeemed.changes().get(0).attention());
    assertEquals(List.of(), redeemed.after().attention());
  }

  @Test
  void an_offer_stops_being_redeemable_at_valid_until_even_before_it_is_expired() {
    CustomerContext c = given(issue("o-1"));
    assertNotNull(cue(c, "offer_redeemable", "o-1"));
    Commit later = commit(c, at(WEEK_LATER), profileSet("name", "Ada"));
    assertNull(cue(later.after(), "offer_redeemable", "o-1"));
    assertEquals(List.of(), later.changes().get(0).attention());
  }

  @Test
  void an_open_case_is_case_open_until_it_is_resolved_with_high_severity_for_high_priority() {
    CustomerContext c = given(openCase("k-1"), openCase("k-2", "priority", "urgent"));
    assertEquals("medium", cue(c, "case_open", "k-1").severity());
    assertEquals("high", cue(c, "case_open", "k-2").severity());
    assertEquals("Late parcel", cue(c, "case_open", "k-1").detail());
    c = after(c, T1, resolve("k-1"));
    assertEquals(List.of("case_open:k-2"), kinds(c.attention()));
  }

  @Test
  void a_consent_set_to_false_is_consent_withdrawn_until_it_is_given_again() {
    CustomerContext c = given(pref("consent.marketing", false), pref("notifications.email.enabled", false));
    assertEquals(List.of("consent_withdrawn:consent.marketing"), kinds(c.attention()));
    assertEquals("medium", cue(c, "consent_withdrawn", "consent.marketing").severity());
    assertEquals(List.of(), after(c, T1, pref("consent.marketing", true)).attention());
  }

  @Test
  void an_open_handoff_is_handoff_open_then_handoff_overdue_and_leaves_once_accepted() {
    CustomerContext open = given(handoff("h-1", "store:branch-X", "2026-11-23T12:00:00Z"));
    assertEquals(new AttentionItem("handoff_open", "h-1", T0, "medium", "store:branch-X"), cue(open, "handoff_open", "h-1"));
    Commit overdue = ContextRules.commit(open, List.of(new HandoffOps.HandoffOverdue("h-1")), Actor.SERVER, T2);
    assertEquals(List.of(new AttentionItem("handoff_overdue", "h-1", T2, "high", "store:branch-X")), overdue.changes().get(0).attention());
    assertEquals(List.of(), after(overdue.after(), T2, accept("h-1")).attention());
  }

  @Test
  void an_appointment_within_48_hours_is_appointment_soon() {
    CustomerContext c = given(schedule("a-soon", "2026-11-24T10:00:00Z"), schedule("a-far", "2026-11-26T10:00:00Z"));
    assertEquals(List.of("appointment_soon:a-soon"), kinds(c.attention()));
    assertEquals("2026-11-24T10:00:00Z", cue(c, "appointment_soon", "a-soon").detail());
    Instant dayLater = at("2026-11-24T12:00:00Z");
    CustomerContext next = after(c, dayLater, profileSet("name", "Ada"));
    assertEquals(List.of("appointment_soon:a-far"), kinds(next.attention()));
    assertEquals(dayLater, cue(next, "appointment_soon", "a-far").since());
  }

  @Test
  void a_cancelled_appointment_is_no_longer_soon() {
    CustomerContext c = given(schedule("a-1", "2026-11-24T10:00:00Z"));
    assertEquals(List.of(), after(c, T1, cancel("a-1")).attention());
  }

  @Test
  void a_hold_ending_within_24_hours_is_reservation_expiring_until_released() {
    CustomerContext c = given(hold("r-soon", "2026-11-23T20:00:00Z"), hold("r-far", "2026-11-25T20:00:00Z"));
    assertEquals(List.of("reservation_expiring:r-soon"), kinds(c.attention()));
    assertEquals("medium", cue(c, "reservation_expiring", "r-soon").severity());
    assertEquals(List.of(), after(c, T1, release("r-soon")).attention());
  }

  @Test
  void a_cue_keeps_its_since_across_commits_while_it_stays() {
    CustomerContext c = given(issue("o-1"));
    Commit unrelated = commit(c, T1, profileSet("name", "Ada"));
    assertNull(unrelated.changes().get(0).attention());
    assertEquals(T0, cue(unrelated.after(), "offer_redeemable", "o-1").since());
    Commit another = commit(unrelated.after(), T2, openCase("k-1"));
    assertEquals(T0, cue(another.after(), "offer_redeemable", "o-1").since());
    assertEquals(T2, cue(another.after(), "case_open", "k-1").since());
    assertEquals(another.after().attention(), another.changes().get(0).attention());
  }

  @Test
  void a_cue_that_leaves_and_comes_back_starts_a_new_since() {
    CustomerContext c = given(pref("consent.sms", false));
    c = after(c, T1, pref("consent.sms", true));
    c = after(c, T2, pref("consent.sms", false));
    assertEquals(T2, cue(c, "consent_withdrawn", "consent.sms").since());
  }

  @Test
  void each_change_of_a_request_carries_the_attention_after_it() {
    Commit commit = commit(empty(), T0, issue("o-1"), profileSet("name", "Ada"), redeem("o-1", "web"));
    assertEquals(List.of("offer_redeemable:o-1"), kinds(commit.changes().get(0).attention()));
    assertNull(commit.changes().get(1).attention());
    assertEquals(List.of(), commit.changes().get(2).attention());
  }

  @Test
  void items_are_ordered_high_then_medium_then_info() {
    CustomerContext c = given(issue("o-1"), openCase("k-1"), handoff("h-1", "store:branch-X", "2026-11-23T12:00:00Z"));
    c = ContextRules.commit(c, List.of(new HandoffOps.HandoffOverdue("h-1")), Actor.SERVER, T2).after();
    assertEquals(List.of("handoff_overdue:h-1", "case_open:k-1", "offer_redeemable:o-1"), kinds(c.attention()));
  }

  @Test
  void a_customer_sees_only_offer_appointment_and_reservation_cues() {
    CustomerContext c = given(issue("o-1"), openCase("k-1"), pref("consent.marketing", false), schedule("a-1", "2026-11-24T10:00:00Z"),
        hold("r-1", "2026-11-23T20:00:00Z"), handoff("h-1", "store:branch-X", "2026-11-23T12:00:00Z"));
    assertEquals(6, c.attention().size());
    List<AttentionItem> seen = Attention.forCustomer(c.attention());
    assertEquals(3, seen.size());
    assertEquals(Set.of("offer_redeemable", "appointment_soon", "reservation_expiring"),
        seen.stream().map(AttentionItem::kind).collect(Collectors.toSet()));
  }
}
