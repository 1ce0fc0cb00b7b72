package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.omnicontext.domain.Items.Engagement;
import io.omnicontext.domain.Items.SupportCase;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CaseOpsTests {

  @Test
  void case_open_adds_an_open_case_with_normal_priority_by_default() {
    Commit commit = commit(empty(), T0, openCase("k-1"));
    assertEquals(new SupportCase("k-1", "Late parcel", "open", "normal", null, T0), commit.after().cases().get("k-1"));
    assertEquals(Map.of("caseId", "k-1", "subject", "Late parcel"), commit.changes().get(0).data());
  }

  @Test
  void case_open_takes_the_status_priority_and_owner_it_carries() {
    CustomerContext c = given(openCase("k-1", "status", "triage", "priority", "high", "owner", "agent-7"));
    assertEquals(new SupportCase("k-1", "Late parcel", "triage", "high", "agent-7", T0), c.cases().get("k-1"));
  }

  @Test
  void case_update_changes_only_the_fields_it_carries() {
    CustomerContext open = given(openCase("k-1", "priority", "high", "owner", "agent-7"));
    CustomerContext c = after(open, T0.plusSeconds(60), updateCase("k-1", "status", "waiting-on-customer"));
    assertEquals(new SupportCase("k-1", "Late parcel", "waiting-on-customer", "high", "agent-7", T0), c.cases().get("k-1"));
    c = after(c, T0.plusSeconds(120), updateCase("k-1", "owner", "agent-9", "subject", "Parcel lost"));
    assertEquals(new SupportCase("k-1", "Parcel lost", "waiting-on-customer", "high", "agent-9", T0), c.cases().get("k-1"));
  }

  @Test
  void the_case_update_change_carries_only_the_given_fields() {
    Commit commit = commit(given(openCase("k-1")), T0, updateCase("k-1", "priority", "urgent"));
    assertEquals(Map.of("caseId", "k-1", "priority", "urgent"), commit.changes().get(0).data());
  }

  @Test
  void case_update_of_an_unknown_case_fails_validation() {
    refusal(Reason.VALIDATION_FAILED, () -> commit(empty(), T0, updateCase("k-404", "status", "x")));
  }

  @Test
  void case_resolve_sets_resolved_and_keeps_the_rest() {
    CustomerContext c = after(given(openCase("k-1", "owner", "agent-7")), T0, resolve("k-1"));
    assertEquals(new SupportCase("k-1", "Late parcel", "resolved", "normal", "agent-7", T0), c.cases().get("k-1"));
  }

  @Test
  void a_resolved_case_cannot_be_resolved_again_but_can_be_reopened() {
    CustomerContext resolved = given(openCase("k-1"), resolve("k-1"));
    refusal(Reason.INVALID_STATE, () -> commit(resolved, T0, resolve("k-1")));
    CustomerContext reopened = after(resolved, T0.plusSeconds(3600), openCase("k-1"));
    assertEquals(new SupportCase("k-1", "Late parcel", "open", "normal", null, T0.plusSeconds(3600)), reopened.cases().get("k-1"));
  }

  @Test
  void opening_a_case_that_is_open_is_an_invalid_state() {
    refusal(Reason.INVALID_STATE, () -> commit(given(openCase("k-1")), T0, openCase("k-1")));
  }

  @Test
  void engagement_start_and_end_track_who_is_with_the_customer() {
    CustomerContext active = given(startEngagement("e-1"));
    assertEquals(new Engagement("e-1", "voice", "on-call", "active", T0, null), active.engagements().get("e-1"));
    CustomerContext ended = after(active, T0.plusSeconds(90), endEngagement("e-1"));
    assertEquals(new Engagement("e-1", "voice", "on-call", "ended", T0, T0.plusSeconds(90)), ended.engagements().get("e-1"));
  }

  @Test
  void an_engagement_ends_once_and_an_active_one_cannot_start_again() {
    CustomerContext ended = given(startEngagement("e-1"), endEngagement("e-1"));
    refusal(Reason.INVALID_STATE, () -> commit(ended, T0, endEngagement("e-1")));
    refusal(Reason.INVALID_STATE, () -> commit(given(startEngagement("e-1")), T0, startEngagement("e-1")));
    refusal(Reason.VALIDATION_FAILED, () -> commit(empty(), T0, endEngagement("e-404")));
  }

  static Stream<Arguments> invalid_ops() {
    var open = openCase("k-1");
    var start = startEngagement("e-1");
    return Stream.of(
        bad("open without caseId", "caseId", without(open, "caseId")),
        bad("open without subject", "subject", without(open, "subject")),
        bad("open with a 201 character subject", "subject", plus(open, "subject", chars(201))),
        bad("open with a number priority", "priority", plus(open, "priority", 1)),
        bad("open with a 129 character owner", "owner", plus(open, "owner", chars(129))),
        bad("update with nothing to change", "at least one of", updateCase("k-1")),
        bad("update without caseId", "caseId", op("case.update", "status", "x")),
        bad("update with a boolean status", "status", updateCase("k-1", "status", true)),
        bad("resolve with a number caseId", "caseId", op("case.resolve", "caseId", 12)),
        bad("start with an unknown channel", "channel", plus(start, "channel", "pager")),
        bad("start without activity", "activity", without(start, "activity")),
        bad("end with an unknown channel", "channel", plus(endEngagement("e-1"), "channel", "pager")),
        bad("end without engagementId", "engagementId", op("engagement.end")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid_ops")
  void a_bad_field_fails_validation_naming_the_field(String what, String field, Map<String, Object> op) {
    assertInvalid(op, field);
  }
}
