package io.omnicontext.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.provider.Arguments;

/** Builds ops the way a request does (plain maps and lists, as Jackson hands them to the parser) and commits them. */
final class Fixture {
  static final String CID = "c-1";
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final String WEEK_LATER = "2026-11-30T10:00:00Z";
  static final Actor AGENT = new Actor("agent-7", "voice");
  static final Actor CLERK = new Actor("clerk-3", "store");

  private Fixture() {}

  // ---- raw ops -------------------------------------------------------------------------------
  static Map<String, Object> op(String name, Object... fieldsAndValues) {
    var m = new LinkedHashMap<String, Object>();
    m.put("op", name);
    return plus(m, fieldsAndValues);
  }

  static Map<String, Object> plus(Map<String, Object> op, Object... fieldsAndValues) {
    var m = new LinkedHashMap<>(op);
    for (int i = 0; i < fieldsAndValues.length; i += 2) m.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
    return m;
  }

  static Map<String, Object> without(Map<String, Object> op, String field) {
    var m = new LinkedHashMap<>(op);
    m.remove(field);
    return m;
  }

  static Map<String, Object> profileSet(Object... fieldsAndValues) {
    var fields = new LinkedHashMap<String, Object>();
    for (int i = 0; i < fieldsAndValues.length; i += 2) fields.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
    return op("profile.set", "fields", fields);
  }
  static Map<String, Object> link(String type, String value) { return op("identity.link", "type", type, "value", value); }
  static Map<String, Object> pref(String key, Object value) { return op("preference.set", "key", key, "value", value); }
  static Map<String, Object> note(String id, String visibility) { return op("note.add", "noteId", id, "text", "called about " + id, "visibility", visibility); }
  static Map<String, Object> interaction(String id, String channel) {
    return op("interaction.record", "interactionId", id, "channel", channel, "kind", "inbound", "summary", "asked about delivery");
  }
  static Map<String, Object> issue(String offerId, Object... extra) {
    return plus(op("offer.issue", "offerId", offerId, "title", "10% off", "originChannel", "email", "validUntil", WEEK_LATER), extra);
  }
  static Map<String, Object> redeem(String offerId, String channel) { return op("offer.redeem", "offerId", offerId, "channel", channel); }
  static Map<String, Object> schedule(String id, String at) { return op("appointment.schedule", "appointmentId", id, "kind", "fitting", "at", at); }
  static Map<String, Object> reschedule(String id, String at) { return op("appointment.reschedule", "appointmentId", id, "at", at); }
  static Map<String, Object> cancel(String id) { return op("appointment.cancel", "appointmentId", id); }
  static Map<String, Object> hold(String id, String until) {
    return op("reservation.hold", "reservationId", id, "sku", "SKU-1", "storeId", "store-9", "until", until);
  }
  static Map<String, Object> release(String id) { return op("reservation.release", "reservationId", id); }
  static Map<String, Object> fulfil(String id) { return op("reservation.fulfil", "reservationId", id); }
  static Map<String, Object> openCase(String id, Object... extra) { return plus(op("case.open", "caseId", id, "subject", "Late parcel"), extra); }
  static Map<String, Object> updateCase(String id, Object... fields) { return plus(op("case.update", "caseId", id), fields); }
  static Map<String, Object> resolve(String id) { return op("case.resolve", "caseId", id); }
  static Map<String, Object> startEngagement(String id) { return op("engagement.start", "engagementId", id, "channel", "voice", "activity", "on-call"); }
  static Map<String, Object> endEngagement(String id) { return op("engagement.end", "engagementId", id); }
  static Map<String, Object> handoff(String id, String team, String dueBy) {
    return op("handoff.create", "handoffId", id, "kind", "reservation", "ref", "r-1", "fromChannel", "chat", "toTeam", team,
        "dueBy", dueBy, "note", "customer picks up tomorrow");
  }
  static Map<String, Object> accept(String id) { return op("handoff.accept", "handoffId", id); }
  static Map<String, Object> complete(String id, String outcome) { return op("handoff.complete", "handoffId", id, "outcome", outcome); }

  // ---- parse and commit ----------------------------------------------------------------------
  static CustomerContext empty() { return CustomerContext.empty(CID); }

  @SafeVarargs
  static List<Op> parse(Map<String, Object>... ops) { return OpParser.parse(List.of(ops)); }

  @SafeVarargs
  static Commit commit(CustomerContext c, Instant at, Map<String, Object>... ops) { return commitAs(AGENT, c, at, ops); }

  @SafeVarargs
  static Commit commitAs(Actor actor, CustomerContext c, Instant at, Map<String, Object>... ops) {
    return ContextRules.commit(c, parse(ops), actor, at);
  }

  @SafeVarargs
  static CustomerContext after(CustomerContext c, Instant at, Map<String, Object>... ops) { return commit(c, at, ops).after(); }

  /** A context built by committing the ops to an empty one at T0. */
  @SafeVarargs
  static CustomerContext given(Map<String, Object>... ops) { return after(empty(), T0, ops); }

  // ---- refusals ------------------------------------------------------------------------------
  static Refusal refusal(Executable e) { return assertThrows(Refusal.class, e); }

  static Refusal refusal(Reason expected, Executable e) {
    Refusal r = assertThrows(Refusal.class, e);
    assertEquals(expected, r.reason(), r.getMessage());
    return r;
  }

  /** The op alone is refused by the parser as validation_failed, the detail naming the field. */
  static void assertInvalid(Map<String, Object> op, String field) {
    Refusal r = refusal(Reason.VALIDATION_FAILED, () -> OpParser.parse(List.of(op)));
    assertTrue(r.getMessage().contains(field), () -> "detail should name " + field + ": " + r.getMessage());
  }

  static Arguments bad(String what, String field, Map<String, Object> op) { return Arguments.of(what, field, op); }

  static String chars(int n) { return "x".repeat(n); }

  static Instant at(String s) { return Instant.parse(s); }

  // ---- reading a context ---------------------------------------------------------------------
  static AttentionItem cue(CustomerContext c, String kind, String ref) {
    return c.attention().stream().filter(i -> i.kind().equals(kind) && i.ref().equals(ref)).findFirst().orElse(null);
  }

  static List<String> kinds(List<AttentionItem> items) { return items.stream().map(i -> i.kind() + ":" + i.ref()).toList(); }
}
