package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ReachTests {
  static final Instant NOON_UTC = at("2026-11-23T12:00:00Z");
  static final String PHONE = "+15550100";

  @SafeVarargs
  private static Reach.Answer reach(String purpose, String channel, Instant now, Map<String, Object>... ops) {
    return Reach.answer(given(ops), purpose, channel, now);
  }

  @Test
  void marketing_is_refused_without_an_opt_in() {
    Reach.Answer a = reach("marketing", "sms", NOON_UTC, link("phone", PHONE));
    assertFalse(a.allowed());
    assertEquals(PHONE, a.to());
    assertTrue(a.reason().contains("opt-in"), a.reason());
  }

  @Test
  void marketing_is_refused_when_consent_is_withdrawn_and_allowed_when_given() {
    Reach.Answer withdrawn = reach("marketing", "sms", NOON_UTC, link("phone", PHONE), pref("consent.marketing", false));
    assertFalse(withdrawn.allowed());
    assertTrue(withdrawn.reason().contains("withdrawn"), withdrawn.reason());
    assertEquals(new Reach.Answer(true, PHONE, "consent ok; destination from the linked phone"),
        reach("marketing", "sms", NOON_UTC, link("phone", PHONE), pref("consent.marketing", true)));
  }

  @Test
  void marketing_consent_must_be_the_boolean_true() {
    assertFalse(reach("marketing", "sms", NOON_UTC, link("phone", PHONE), pref("consent.marketing", "yes")).allowed());
  }

  @Test
  void service_is_allowed_without_any_consent_preference() {
    Reach.Answer a = reach("service", "sms", NOON_UTC, link("phone", PHONE));
    assertTrue(a.allowed());
    assertEquals(PHONE, a.to());
  }

  @Test
  void service_is_refused_only_when_consent_service_is_false() {
    Reach.Answer refused = reach("service", "sms", NOON_UTC, link("phone", PHONE), pref("consent.service", false));
    assertFalse(refused.allowed());
    assertEquals("consent.service withdrawn", refused.reason());
    assertTrue(reach("service", "sms", NOON_UTC, link("phone", PHONE), pref("consent.marketing", false)).allowed());
    assertTrue(reach("service", "sms", NOON_UTC, link("phone", PHONE), pref("consent.service", true)).allowed());
  }

  @Test
  void the_chosen_destination_wins_over_the_linked_identity() {
    Reach.Answer a = reach("service", "sms", NOON_UTC, link("phone", PHONE), pref("notifications.sms.to", "+15550199"));
    assertEquals(new Reach.Answer(true, "+15550199", "consent ok; destination chosen by the customer (notifications.sms.to)"), a);
  }

  @Test
  void without_a_chosen_destination_the_matching_identity_is_used() {
    Map<String, Object>[] identities = identities();
    assertEquals(PHONE, reach("service", "sms", NOON_UTC, identities).to());
    assertEquals(PHONE, reach("service", "voice", NOON_UTC, identities).to());
    assertEquals("ada@example.com", reach("service", "email", NOON_UTC, identities).to());
    assertEquals("dev-1", reach("service", "push", NOON_UTC, identities).to());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object>[] identities() {
    return new Map[] {link("email", "Ada@Example.com"), link("phone", PHONE), link("device", "dev-1"), link("loyalty", "L-1")};
  }

  @Test
  void a_chosen_destination_of_another_channel_does_not_count() {
    Reach.Answer a = reach("service", "email", NOON_UTC, pref("notifications.sms.to", PHONE));
    assertEquals(new Reach.Answer(false, null, a.reason()), a);
    assertTrue(a.reason().contains("notifications.email.to"), a.reason());
  }

  @Test
  void without_any_destination_reach_is_refused() {
    Reach.Answer a = reach("service", "sms", NOON_UTC, profileSet("name", "Ada"));
    assertFalse(a.allowed());
    assertNull(a.to());
  }

  @Test
  void quiet_hours_across_midnight_refuse_late_at_night_and_early_morning_in_utc() {
    Map<String, Object>[] ops = quiet("22:00-08:00", "UTC");
    assertFalse(reach("service", "sms", at("2026-11-23T23:30:00Z"), ops).allowed());
    assertFalse(reach("service", "sms", at("2026-11-23T22:00:00Z"), ops).allowed());
    assertFalse(reach("service", "sms", at("2026-11-24T07:59:00Z"), ops).allowed());
    assertTrue(reach("service", "sms", at("2026-11-24T08:00:00Z"), ops).allowed());
    assertTrue(reach("service", "sms", at("2026-11-23T21:59:00Z"), ops).allowed());
    assertTrue(reach("service", "sms", NOON_UTC, ops).allowed());
  }

  @Test
  void quiet_hours_are_read_in_the_profile_timezone() {
    Map<String, Object>[] berlin = quiet("22:00-08:00", "Europe/Berlin");
    Reach.Answer lateInBerlin = reach("service", "sms", at("2026-11-23T21:30:00Z"), berlin);
    assertFalse(lateInBerlin.allowed());
    assertEquals(PHONE, lateInBerlin.to());
    assertTrue(lateInBerlin.reason().contains("quiet hours") && lateInBerlin.reason().contains("Europe/Berlin"), lateInBerlin.reason());
    assertTrue(reach("service", "sms", at("2026-11-23T07:30:00Z"), berlin).allowed());
    assertTrue(reach("service", "sms", at("2026-11-23T23:30:00Z"), quiet("22:00-08:00", "America/New_York")).allowed());
    assertFalse(reach("service", "sms", at("2026-11-23T23:30:00Z"), berlin).allowed());
  }

  @Test
  void a_same_day_quiet_window_holds_only_between_its_ends() {
    Map<String, Object>[] lunch = quiet("12:00-14:00", "UTC");
    assertFalse(reach("service", "sms", at("2026-11-23T12:30:00Z"), lunch).allowed());
    assertTrue(reach("service", "sms", at("2026-11-23T14:00:00Z"), lunch).allowed());
    assertTrue(reach("service", "sms", at("2026-11-23T11:59:00Z"), lunch).allowed());
    assertTrue(reach("service", "sms", at("2026-11-23T23:30:00Z"), lunch).allowed());
  }

  @Test
  void quiet_hours_hold_for_marketing_too() {
    Map<String, Object>[] ops = quiet("22:00-08:00", "UTC");
    CustomerContext c = after(given(ops), T0, pref("consent.marketing", true));
    assertFalse(Reach.answer(c, "marketing", "sms", at("2026-11-23T23:30:00Z")).allowed());
    assertTrue(Reach.answer(c, "marketing", "sms", NOON_UTC).allowed());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object>[] quiet(String window, String timezone) {
    return new Map[] {link("phone", PHONE), profileSet("timezone", timezone), pref("notifications.quietHours", window)};
  }

  @Test
  void an_unknown_purpose_or_channel_fails_validation() {
    CustomerContext c = given(link("phone", PHONE));
    refusal(Reason.VALIDATION_FAILED, () -> Reach.answer(c, "sales", "sms", NOON_UTC));
    refusal(Reason.VALIDATION_FAILED, () -> Reach.answer(c, "service", "fax", NOON_UTC));
  }

  @Test
  void a_missing_purpose_or_channel_fails_validation() {
    CustomerContext c = given(pref("consent.marketing", true));
    refusal(Reason.VALIDATION_FAILED, () -> Reach.answer(c, null, "sms", T0));
    refusal(Reason.VALIDATION_FAILED, () -> Reach.answer(c, "service", null, T0));
    refusal(Reason.VALIDATION_FAILED, () -> Reach.answer(c, "", "", T0));
  }
}
