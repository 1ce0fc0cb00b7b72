package io.omnicontext.domain;

import java.time.Instant;
import java.util.Map;

/**
 * One validated op of a request, or a time-driven op the server commits itself. {@link #applyTo}
 * changes a working copy of the context or refuses; {@link #data()} is the change record's data.
 */
public sealed interface Op permits ProfileOps.ProfileSet, ProfileOps.IdentityLink, ProfileOps.PreferenceSet,
    ProfileOps.NoteAdd, ProfileOps.InteractionRecord, OfferOps.OfferIssue, OfferOps.OfferRedeem, OfferOps.OfferExpire,
    ScheduleOps.AppointmentSchedule, ScheduleOps.AppointmentReschedule, ScheduleOps.AppointmentCancel,
    ScheduleOps.ReservationHold, ScheduleOps.ReservationRelease, ScheduleOps.ReservationFulfil,
    ScheduleOps.ReservationExpire, CaseOps.CaseOpen, CaseOps.CaseUpdate, CaseOps.CaseResolve,
    CaseOps.EngagementStart, CaseOps.EngagementEnd, HandoffOps.HandoffCreate, HandoffOps.HandoffAccept,
    HandoffOps.HandoffComplete, HandoffOps.HandoffOverdue, MergeOps.CustomerMerge, MergeOps.CustomerMerged, TimeRules.AttentionRefresh {

  /** The op's name as the contract spells it. */
  String name();

  Map<String, Object> data();

  void applyTo(CustomerContext draft, Actor actor, Instant at);

  /** Applies to a working copy and answers the result; ops that change more than collections override it. */
  default CustomerContext apply(CustomerContext draft, Actor actor, Instant at) {
    applyTo(draft, actor, at);
    return draft;
  }

  /** The team whose feed this change belongs to, given the context it applies to; null for most ops. */
  default String team(CustomerContext before) { return null; }

  /** Builds a data map in field order, leaving nulls out. */
  static Map<String, Object> data(Object... pairs) {
    var m = new java.util.LinkedHashMap<String, Object>();
    for (int i = 0; i < pairs.length; i += 2) if (pairs[i + 1] != null) m.put((String) pairs[i], pairs[i + 1]);
    return m;
  }
}
