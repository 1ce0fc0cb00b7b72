package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OpParserTests {

  @Test
  void ops_that_are_not_an_array_are_a_bad_request() {
    for (Object notAList : new Object[] {null, "profile.set", Map.of("op", "profile.set"), 3}) {
      refusal(Reason.BAD_REQUEST, () -> OpParser.parse(notAList));
    }
  }

  @Test
  void an_empty_ops_array_fails_validation() {
    refusal(Reason.VALIDATION_FAILED, () -> OpParser.parse(List.of()));
  }

  @Test
  void more_than_500_ops_fail_validation_but_500_are_accepted() {
    var ops = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < OpParser.MAX_OPS; i++) ops.add(pref("k" + i, i));
    assertEquals(500, OpParser.parse(ops).size());
    ops.add(pref("one.more", true));
    Refusal r = refusal(Reason.VALIDATION_FAILED, () -> OpParser.parse(ops));
    assertTrue(r.getMessage().contains("500"), r.getMessage());
  }

  @Test
  void an_element_that_is_not_an_object_fails_validation_naming_its_index() {
    Refusal r = refusal(Reason.VALIDATION_FAILED, () -> OpParser.parse(List.of(pref("a", 1), "profile.set")));
    assertTrue(r.getMessage().startsWith("ops[1]"), r.getMessage());
  }

  @Test
  void an_op_without_a_string_name_fails_validation() {
    refusal(Reason.VALIDATION_FAILED, () -> OpParser.parse(List.of(Map.of("key", "a", "value", 1))));
    refusal(Reason.VALIDATION_FAILED, () -> OpParser.parse(List.of(Map.of("op", 42))));
  }

  @Test
  void an_unknown_op_is_refused_as_unknown_op_naming_it() {
    Refusal r = refusal(Reason.UNKNOWN_OP, () -> OpParser.parse(List.of(pref("a", 1), op("offer.teleport", "offerId", "o-1"))));
    assertTrue(r.getMessage().contains("ops[1]") && r.getMessage().contains("offer.teleport"), r.getMessage());
    assertEquals("unknown_op", r.reason().code());
  }

  @Test
  void server_only_ops_cannot_be_sent_by_a_client() {
    for (String serverOp : List.of("handoff.overdue", "offer.expire", "reservation.expire")) {
      refusal(Reason.UNKNOWN_OP, () -> OpParser.parse(List.of(op(serverOp, "handoffId", "h-1", "offerId", "o-1", "reservationId", "r-1"))));
    }
  }

  @Test
  void every_op_of_the_contract_parses_into_its_typed_op_in_request_order() {
    List<Op> ops = parse(profileSet("name", "Ada"), link("email", "ada@example.com"), pref("consent.marketing", true),
        note("n-1", "customer"), interaction("i-1", "chat"), issue("o-1"), redeem("o-1", "web"),
        schedule("a-1", "2026-11-25T09:30:00Z"), reschedule("a-1", "2026-11-26T09:30:00Z"), cancel("a-1"),
        hold("r-1", "2026-11-24T18:00:00Z"), release("r-1"), fulfil("r-1"), openCase("k-1"), updateCase("k-1", "priority", "high"),
        resolve("k-1"), startEngagement("e-1"), endEngagement("e-1"), handoff("h-1", "store:branch-X", "2026-11-24T12:00:00Z"),
        accept("h-1"), complete("h-1", "picked up"));
    assertEquals(List.of("profile.set", "identity.link", "preference.set", "note.add", "interaction.record", "offer.issue",
        "offer.redeem", "appointment.schedule", "appointment.reschedule", "appointment.cancel", "reservation.hold",
        "reservation.release", "reservation.fulfil", "case.open", "case.update", "case.resolve", "engagement.start",
        "engagement.end", "handoff.create", "handoff.accept", "handoff.complete"), ops.stream().map(Op::name).toList());
    assertInstanceOf(OfferOps.OfferRedeem.class, ops.get(6));
    assertEquals(new OfferOps.OfferRedeem("o-1", "web"), ops.get(6));
  }

  @Test
  void the_detail_of_a_bad_field_names_the_op_index_and_the_field() {
    Refusal r = refusal(Reason.VALIDATION_FAILED, () -> OpParser.parse(List.of(pref("a", 1), without(issue("o-1"), "title"))));
    assertEquals("ops[1].title is required", r.getMessage());
  }

  @Test
  void unknown_extra_fields_are_ignored_and_do_not_reach_the_data() {
    Op op = parse(plus(redeem("o-1", "web"), "coupon", "XYZ")).get(0);
    assertEquals(Map.of("offerId", "o-1", "channel", "web"), op.data());
  }

  /** A change's data as it comes back from the journal's JSON: instants become RFC 3339 strings. */
  private static Object asJson(Object v) {
    if (v instanceof Instant i) return i.toString();
    if (v instanceof Map<?, ?> m) {
      var out = new LinkedHashMap<String, Object>();
      m.forEach((k, x) -> out.put((String) k, asJson(x)));
      return out;
    }
    if (v instanceof List<?> l) return l.stream().map(OpParserTests::asJson).toList();
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Op replayed(String name, Map<String, Object> data) { return OpParser.replay(name, (Map<String, Object>) asJson(data)); }

  @Test
  void a_journaled_change_replays_into_the_same_op_for_client_and_server_ops() {
    List<Op> ops = new ArrayList<>(parse(profileSet("name", "Ada"), link("email", "Ada@Example.com"), pref("notifications.sms.to", null),
        note("n-1", "internal"), interaction("i-1", "chat"), issue("o-1", "eligibleChannels", List.of("web"), "price", 9.5), redeem("o-1", "web"),
        schedule("a-1", "2026-11-25T09:30:00+01:00"), reschedule("a-1", "2026-11-26T09:30:00Z"), cancel("a-1"),
        hold("r-1", "2026-11-24T18:00:00Z"), release("r-1"), fulfil("r-1"), openCase("k-1", "owner", "agent-7"), updateCase("k-1", "status", "waiting"),
        resolve("k-1"), startEngagement("e-1"), endEngagement("e-1"), handoff("h-1", "store:branch-X", "2026-11-24T12:00:00Z"), accept("h-1"),
        complete("h-1", "picked up")));
    ops.addAll(List.of(new ScheduleOps.ReservationExpire("r-2"), new OfferOps.OfferExpire("o-2"), new HandoffOps.HandoffOverdue("h-2")));
    for (Op op : ops) assertEquals(op, replayed(op.name(), op.data()), op.name());
  }

  @Test
  void replaying_the_changes_of_a_commit_rebuilds_the_same_context() {
    Commit commit = commit(empty(), T0.plusMillis(5), profileSet("name", "Ada"), link("phone", "+15550100"), issue("o-1"),
        redeem("o-1", "store"), openCase("k-1", "priority", "high"), hold("r-1", "2026-11-23T20:00:00Z"),
        handoff("h-1", "store:branch-X", "2026-11-23T12:00:00Z"), accept("h-1"), pref("consent.marketing", false));
    CustomerContext rebuilt = empty();
    for (Change c : commit.changes()) rebuilt = ContextRules.commit(rebuilt, List.of(replayed(c.op(), c.data())), c.actor(), c.at()).after();
    assertEquals(commit.after(), rebuilt);
  }

  @Test
  void replaying_an_op_this_version_does_not_know_is_unknown_op() {
    refusal(Reason.UNKNOWN_OP, () -> OpParser.replay("loyalty.award", Map.of("points", 10)));
  }
}
