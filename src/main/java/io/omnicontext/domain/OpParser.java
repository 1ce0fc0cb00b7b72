package io.omnicontext.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Turns the ops[] of a request (plain JSON values) into validated ops, or refuses the whole request. */
public final class OpParser {
  /** Most ops a single request may carry. */
  public static final int MAX_OPS = 500;

  private static final Map<String, Function<Fields, Op>> READERS = Map.ofEntries(
      Map.entry("profile.set", ProfileOps.ProfileSet::read),
      Map.entry("identity.link", ProfileOps.IdentityLink::read),
      Map.entry("preference.set", ProfileOps.PreferenceSet::read),
      Map.entry("note.add", ProfileOps.NoteAdd::read),
      Map.entry("interaction.record", ProfileOps.InteractionRecord::read),
      Map.entry("offer.issue", OfferOps.OfferIssue::read),
      Map.entry("offer.redeem", OfferOps.OfferRedeem::read),
      Map.entry("appointment.schedule", ScheduleOps.AppointmentSchedule::read),
      Map.entry("appointment.reschedule", ScheduleOps.AppointmentReschedule::read),
      Map.entry("appointment.cancel", ScheduleOps.AppointmentCancel::read),
      Map.entry("reservation.hold", ScheduleOps.ReservationHold::read),
      Map.entry("reservation.release", ScheduleOps.ReservationRelease::read),
      Map.entry("reservation.fulfil", ScheduleOps.ReservationFulfil::read),
      Map.entry("case.open", CaseOps.CaseOpen::read),
      Map.entry("case.update", CaseOps.CaseUpdate::read),
      Map.entry("case.resolve", CaseOps.CaseResolve::read),
      Map.entry("engagement.start", CaseOps.EngagementStart::read),
      Map.entry("engagement.end", CaseOps.EngagementEnd::read),
      Map.entry("handoff.create", HandoffOps.HandoffCreate::read),
      Map.entry("handoff.accept", HandoffOps.HandoffAccept::read),
      Map.entry("handoff.complete", HandoffOps.HandoffComplete::read));

  /** The time-driven ops the server commits itself; clients cannot send them, the journal replays them. */
  private static final Map<String, Function<Fields, Op>> SERVER_OPS = Map.of(
      "reservation.expire", f -> new ScheduleOps.ReservationExpire(f.id("reservationId")),
      "offer.expire", f -> new OfferOps.OfferExpire(f.id("offerId")),
      "handoff.overdue", f -> new HandoffOps.HandoffOverdue(f.id("handoffId")),
      "attention.refresh", f -> new TimeRules.AttentionRefresh());

  private OpParser() {}

  /** Every op a change may carry: the clients', the server's time-driven ones and the merges'. */
  public static java.util.Set<String> names() {
    var names = new java.util.TreeSet<String>(READERS.keySet());
    names.addAll(SERVER_OPS.keySet());
    names.addAll(MergeOps.REPLAY.keySet());
    return java.util.Collections.unmodifiableSet(names);
  }

  /** The op of a journaled change, to replay it (rehydration): client and server ops alike. */
  public static Op replay(String op, Map<String, Object> data) {
    Function<Fields, Op> reader = READERS.getOrDefault(op, SERVER_OPS.getOrDefault(op, MergeOps.REPLAY.get(op)));
    if (reader == null) throw new Refusal(Reason.UNKNOWN_OP, "journaled op \"" + op + "\" is unknown to this version");
    return reader.apply(new Fields(data, op));
  }

  /** ops: the request's "ops" member as parsed JSON, bounded only by {@link #MAX_OPS}; times are not checked against now. */
  public static List<Op> parse(Object ops) { return parse(ops, Limits.NONE, null); }

  /**
   * ops: the request's "ops" member as parsed JSON. Refuses more ops than the limits allow, a string
   * the journal cannot hold (U+0000, a lone surrogate) anywhere in an op, and times outside the
   * limits' window around {@code now}.
   */
  @SuppressWarnings("unchecked")
  public static List<Op> parse(Object ops, Limits limits, Instant now) {
    if (!(ops instanceof List<?> list)) throw Refusal.badRequest("the body must be an object with an ops array");
    if (list.isEmpty()) throw Refusal.invalid("ops must hold at least one op");
    if (list.size() > limits.opsPerRequest()) throw Refusal.invalid("ops must hold at most " + limits.opsPerRequest() + " ops");
    List<Op> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String where = "ops[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> raw)) throw Refusal.invalid(where + " must be an object");
      Object name = raw.get("op");
      if (!(name instanceof String op)) throw Refusal.invalid(where + ".op is required");
      Function<Fields, Op> reader = READERS.get(op);
      if (reader == null) throw new Refusal(Reason.UNKNOWN_OP, where + ".op \"" + op + "\" is not an op of this service");
      if (!StoredText.allStorable(raw)) {
        throw Refusal.invalid(StoredText.firstUnstorable(raw, where) + " holds U+0000 or a lone surrogate, which cannot be stored");
      }
      out.add(reader.apply(new Fields((Map<String, Object>) raw, where, limits, now)));
    }
    return out;
  }
}
