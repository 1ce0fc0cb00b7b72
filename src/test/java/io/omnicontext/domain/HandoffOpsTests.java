package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicontext.domain.Items.Handoff;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HandoffOpsTests {
  static final String TEAM = "store:branch-X";
  static final String DUE = "2026-11-23T12:00:00Z";
  static final Instant DUE_BY = at(DUE);

  static CustomerContext created() { return given(handoff("h-1", TEAM, DUE)); }

  static CustomerContext overdue(CustomerContext c) {
    return ContextRules.commit(c, List.of(new HandoffOps.HandoffOverdue("h-1")), Actor.SERVER, DUE_BY).after();
  }

  @Test
  void handoff_create_adds_an_open_handoff_keyed_by_its_id() {
    Commit commit = commit(empty(), T0, handoff("h-1", TEAM, DUE));
    assertEquals(new Handoff("h-1", "reservation", "r-1", "chat", TEAM, DUE_BY, "customer picks up tomorrow", "open", T0, null, null, null),
        commit.after().handoffs().get("h-1"));
    assertEquals(Map.of("handoffId", "h-1", "kind", "reservation", "ref", "r-1", "fromChannel", "chat", "toTeam", TEAM, "dueBy", DUE_BY,
        "note", "customer picks up tomorrow"), commit.changes().get(0).data());
  }

  @Test
  void a_handoff_id_cannot_be_created_twice() {
    refusal(Reason.VALIDATION_FAILED, () -> commit(created(), T0, handoff("h-1", "backoffice:transfers", DUE)));
  }

  @Test
  void accept_sets_accepted_with_the_actor_as_accepted_by() {
    Handoff h = commitAs(CLERK, created(), T0.plusSeconds(60), accept("h-1")).after().handoffs().get("h-1");
    assertEquals("accepted", h.status());
    assertEquals(new Actor("clerk-3", "store"), h.acceptedBy());
    assertEquals(T0.plusSeconds(60), h.acceptedAt());
  }

  @Test
  void a_second_accept_is_handoff_taken_and_the_first_taker_keeps_it() {
    CustomerContext taken = commitAs(CLERK, created(), T0.plusSeconds(60), accept("h-1")).after();
    Refusal r = refusal(Reason.HANDOFF_TAKEN, () -> commitAs(AGENT, taken, T0.plusSeconds(61), accept("h-1")));
    assertTrue(r.getMessage().contains("clerk-3"), r.getMessage());
    assertEquals("handoff_taken", r.reason().code());
    assertEquals(CLERK, taken.handoffs().get("h-1").acceptedBy());
  }

  @Test
  void an_overdue_handoff_can_still_be_accepted_but_a_completed_one_is_taken() {
    assertEquals("accepted", after(overdue(created()), T0, accept("h-1")).handoffs().get("h-1").status());
    CustomerContext done = given(handoff("h-1", TEAM, DUE), accept("h-1"), complete("h-1", "picked up"));
    refusal(Reason.HANDOFF_TAKEN, () -> commit(done, T0, accept("h-1")));
  }

  @Test
  void complete_sets_completed_with_the_outcome_and_keeps_who_accepted() {
    CustomerContext accepted = commitAs(CLERK, created(), T0.plusSeconds(60), accept("h-1")).after();
    Handoff h = commitAs(AGENT, accepted, T0.plusSeconds(600), complete("h-1", "picked up")).after().handoffs().get("h-1");
    assertEquals("completed", h.status());
    assertEquals("picked up", h.outcome());
    assertEquals(CLERK, h.acceptedBy());
    assertEquals(T0.plusSeconds(60), h.acceptedAt());
  }

  @Test
  void a_completed_handoff_cannot_be_completed_again() {
    CustomerContext done = given(handoff("h-1", TEAM, DUE), complete("h-1", "done"));
    refusal(Reason.INVALID_STATE, () -> commit(done, T0, complete("h-1", "again")));
  }

  @Test
  void handoff_overdue_turns_an_open_handoff_overdue() {
    Commit commit = ContextRules.commit(created(), List.of(new HandoffOps.HandoffOverdue("h-1")), Actor.SERVER, DUE_BY);
    assertEquals("overdue", commit.after().handoffs().get("h-1").status());
    Change change = commit.changes().get(0);
    assertEquals("handoff.overdue", change.op());
    assertEquals(Map.of("handoffId", "h-1"), change.data());
    assertEquals(Actor.SERVER, change.actor());
  }

  @Test
  void handoff_overdue_applies_only_to_an_open_handoff() {
    CustomerContext accepted = given(handoff("h-1", TEAM, DUE), accept("h-1"));
    refusal(Reason.INVALID_STATE, () -> overdue(accepted));
    refusal(Reason.INVALID_STATE, () -> overdue(overdue(created())));
  }

  @Test
  void accepting_an_unknown_handoff_fails_validation() {
    refusal(Reason.VALIDATION_FAILED, () -> commit(empty(), T0, accept("h-404")));
  }

  @Test
  void every_handoff_op_belongs_to_the_team_of_its_handoff_and_other_ops_to_none() {
    CustomerContext c = created();
    Op create = parse(handoff("h-2", "backoffice:transfers", DUE)).get(0);
    assertEquals("backoffice:transfers", create.team(empty()));
    assertEquals("backoffice:transfers", create.team(c));
    assertEquals(TEAM, parse(accept("h-1")).get(0).team(c));
    assertEquals(TEAM, parse(complete("h-1", "ok")).get(0).team(c));
    assertEquals(TEAM, new HandoffOps.HandoffOverdue("h-1").team(c));
    assertNull(parse(accept("h-404")).get(0).team(c));
    assertNull(parse(profileSet("name", "Ada")).get(0).team(c));
  }

  @Test
  void a_commit_lists_each_handoff_change_under_its_team() {
    Commit commit = commit(empty(), T0, profileSet("name", "Ada"), handoff("h-1", TEAM, DUE), accept("h-1"),
        handoff("h-2", "backoffice:transfers", DUE));
    List<Commit.TeamEntry> entries = commit.teamEntries();
    assertEquals(List.of(TEAM + " v2 handoff.create", TEAM + " v3 handoff.accept", "backoffice:transfers v4 handoff.create"),
        entries.stream().map(e -> e.team() + " v" + e.change().version() + " " + e.change().op()).toList());
    assertEquals(commit.changes().get(1), entries.get(0).change());
  }

  @Test
  void the_team_board_lists_a_waiting_handoff_with_a_summary_keeps_it_accepted_and_drops_it_once_completed() {
    CustomerContext c = given(profileSet("name", "Ada"), hold("r-1", "2026-11-24T18:00:00Z"), handoff("h-1", TEAM, DUE));
    assertEquals(new TeamBoard.Item(CID, "h-1", "reservation", "r-1", "open", DUE_BY,
        "Ada: reservation SKU-1 at store-9 until 2026-11-24T18:00:00Z", "chat", "customer picks up tomorrow"), TeamBoard.item(c, "h-1"));
    assertEquals("overdue", TeamBoard.item(overdue(c), "h-1").status());
    CustomerContext accepted = after(c, T0, accept("h-1"));
    assertEquals("accepted", TeamBoard.item(accepted, "h-1").status(), "a reloaded tablet must still find what it accepted");
    assertNull(TeamBoard.item(after(accepted, T0, Map.of("op", "handoff.complete", "handoffId", "h-1", "outcome", "done")), "h-1"));
  }

  static Stream<Arguments> invalid_ops() {
    var create = handoff("h-1", TEAM, DUE);
    return Stream.of(
        bad("create without handoffId", "handoffId", without(create, "handoffId")),
        bad("create with an unknown kind", "kind", plus(create, "kind", "order")),
        bad("create without ref", "ref", without(create, "ref")),
        bad("create with an unknown fromChannel", "fromChannel", plus(create, "fromChannel", "fax")),
        bad("create without toTeam", "toTeam", without(create, "toTeam")),
        bad("create with a team lacking its area", "toTeam", plus(create, "toTeam", "branch-X")),
        bad("create with an upper case area", "toTeam", plus(create, "toTeam", "Store:branch-X")),
        bad("create without dueBy", "dueBy", without(create, "dueBy")),
        bad("create with a bad dueBy", "dueBy", plus(create, "dueBy", "2026-11-23 12:00")),
        bad("create with a 2001 character note", "note", plus(create, "note", chars(2001))),
        bad("accept without handoffId", "handoffId", op("handoff.accept")),
        bad("complete with a number outcome", "outcome", plus(complete("h-1", "x"), "outcome", 1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid_ops")
  void a_bad_field_fails_validation_naming_the_field(String what, String field, Map<String, Object> op) {
    assertInvalid(op, field);
  }
}
