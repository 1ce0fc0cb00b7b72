package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TimeRulesTests {
  static final String HOLD_UNTIL = "2026-11-23T18:00:00Z";
  static final String DUE_BY = "2026-11-23T12:00:00Z";

  static CustomerContext busy() {
    return given(hold("r-1", HOLD_UNTIL), issue("o-1"), handoff("h-1", "store:branch-X", DUE_BY));
  }

  @Test
  void nothing_is_due_before_its_time() {
    assertEquals(List.of(), TimeRules.dueOps(busy(), at(DUE_BY).minusMillis(1)));
  }

  @Test
  void an_open_handoff_turns_overdue_at_due_by() {
    assertEquals(List.of(new HandoffOps.HandoffOverdue("h-1")), TimeRules.dueOps(busy(), at(DUE_BY)));
  }

  @Test
  void a_hold_expires_at_until_and_an_offer_at_valid_until() {
    assertEquals(List.of(new ScheduleOps.ReservationExpire("r-1"), new HandoffOps.HandoffOverdue("h-1")),
        TimeRules.dueOps(busy(), at(HOLD_UNTIL)));
    assertEquals(List.of(new ScheduleOps.ReservationExpire("r-1"), new OfferOps.OfferExpire("o-1"), new HandoffOps.HandoffOverdue("h-1")),
        TimeRules.dueOps(busy(), at(WEEK_LATER)));
  }

  @Test
  void the_due_ops_commit_as_the_server_and_are_due_only_once() {
    Instant now = at(WEEK_LATER).plusSeconds(2);
    CustomerContext c = busy();
    Commit commit = ContextRules.commit(c, TimeRules.dueOps(c, now), Actor.SERVER, now);
    assertEquals(List.of("reservation.expire", "offer.expire", "handoff.overdue"), commit.changes().stream().map(Change::op).toList());
    assertEquals(List.of(4L, 5L, 6L), commit.changes().stream().map(Change::version).toList());
    assertEquals(Actor.SERVER, commit.changes().get(0).actor());
    assertEquals("expired", commit.after().reservations().get("r-1").status());
    assertEquals("expired", commit.after().offers().get("o-1").status());
    assertEquals("overdue", commit.after().handoffs().get("h-1").status());
    assertEquals(List.of(), TimeRules.dueOps(commit.after(), now.plusSeconds(3600)));
    assertEquals(Optional.empty(), TimeRules.nextDue(commit.after(), now));
  }

  @Test
  void items_that_no_longer_wait_are_never_due() {
    CustomerContext settled = after(busy(), T0, fulfil("r-1"), redeem("o-1", "web"), accept("h-1"));
    assertEquals(List.of(), TimeRules.dueOps(settled, at(WEEK_LATER).plusSeconds(86400)));
    assertEquals(Optional.empty(), TimeRules.nextDue(settled, T0));
  }

  @Test
  void next_due_is_the_earliest_waiting_time() {
    assertEquals(Optional.of(at(DUE_BY)), TimeRules.nextDue(busy(), T0));
    assertEquals(Optional.of(at(HOLD_UNTIL)), TimeRules.nextDue(after(busy(), T0, accept("h-1")), T0));
    assertEquals(Optional.of(at(WEEK_LATER)), TimeRules.nextDue(after(busy(), T0, accept("h-1"), release("r-1")), T0));
    assertEquals(Optional.empty(), TimeRules.nextDue(empty(), T0));
  }

  @Test
  void an_appointment_coming_within_48_hours_is_due_as_an_attention_refresh_then_not_again() {
    String fitting = "2026-11-27T10:00:00Z"; // four days after T0
    CustomerContext c = given(schedule("a-1", fitting));
    Instant threshold = at(fitting).minus(Attention.APPOINTMENT_SOON);
    assertEquals(Optional.of(threshold), TimeRules.nextDue(c, T0));
    assertEquals(List.of(), TimeRules.dueOps(c, threshold.minusMillis(1)));
    assertEquals(List.of(new TimeRules.AttentionRefresh()), TimeRules.dueOps(c, threshold));

    Commit refresh = ContextRules.commit(c, TimeRules.dueOps(c, threshold), Actor.SERVER, threshold);
    assertEquals("attention.refresh", refresh.changes().get(0).op());
    assertEquals(List.of("appointment_soon"), refresh.changes().get(0).attention().stream().map(AttentionItem::kind).toList());
    assertEquals(List.of(), TimeRules.dueOps(refresh.after(), threshold.plusSeconds(60)));
    assertEquals(Optional.of(at(fitting)), TimeRules.nextDue(refresh.after(), threshold), "and again when it is past");
  }

  @Test
  void a_hold_ending_within_24_hours_turns_into_reservation_expiring_by_itself() {
    String until = "2026-11-26T10:00:00Z";
    CustomerContext c = given(hold("r-1", until));
    Instant threshold = at(until).minus(Attention.RESERVATION_EXPIRING);
    assertEquals(Optional.of(threshold), TimeRules.nextDue(c, T0));
    Commit refresh = ContextRules.commit(c, TimeRules.dueOps(c, threshold), Actor.SERVER, threshold);
    assertEquals(List.of("reservation_expiring"), refresh.after().attention().stream().map(AttentionItem::kind).toList());
  }
}
