package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.omnicontext.domain.Items.Appointment;
import io.omnicontext.domain.Items.Reservation;
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
class ScheduleOpsTests {
  static final String DAY1 = "2026-11-25T09:30:00Z";
  static final String DAY2 = "2026-11-26T14:00:00Z";
  static final String DAY3 = "2026-11-27T08:00:00+01:00";
  static final String TOMORROW = "2026-11-24T18:00:00Z";

  @Test
  void appointment_schedule_adds_a_scheduled_appointment_keyed_by_its_id() {
    Commit commit = commit(empty(), T0, schedule("a-1", DAY1));
    assertEquals(new Appointment("a-1", "fitting", at(DAY1), "scheduled", null), commit.after().appointments().get("a-1"));
    assertEquals(Map.of("appointmentId", "a-1", "kind", "fitting", "at", at(DAY1)), commit.changes().get(0).data());
  }

  @Test
  void a_reschedule_keeps_scheduled_moves_at_and_records_previous_at() {
    CustomerContext c = after(given(schedule("a-1", DAY1)), T0, reschedule("a-1", DAY2));
    assertEquals(new Appointment("a-1", "fitting", at(DAY2), "scheduled", at(DAY1)), c.appointments().get("a-1"));
    c = after(c, T0, plus(reschedule("a-1", DAY3), "kind", "repair"));
    assertEquals(new Appointment("a-1", "repair", at("2026-11-27T07:00:00Z"), "scheduled", at(DAY2)), c.appointments().get("a-1"));
  }

  @Test
  void cancel_keeps_the_time_and_marks_the_appointment_cancelled() {
    CustomerContext c = after(given(schedule("a-1", DAY1)), T0, cancel("a-1"));
    assertEquals(new Appointment("a-1", "fitting", at(DAY1), "cancelled", null), c.appointments().get("a-1"));
  }

  @Test
  void a_cancelled_appointment_can_be_neither_rescheduled_nor_cancelled_again_but_can_be_scheduled_anew() {
    CustomerContext cancelled = given(schedule("a-1", DAY1), cancel("a-1"));
    refusal(Reason.INVALID_STATE, () -> commit(cancelled, T0, reschedule("a-1", DAY2)));
    refusal(Reason.INVALID_STATE, () -> commit(cancelled, T0, cancel("a-1")));
    assertEquals("scheduled", after(cancelled, T0, schedule("a-1", DAY2)).appointments().get("a-1").status());
  }

  @Test
  void scheduling_an_already_scheduled_appointment_is_an_invalid_state() {
    refusal(Reason.INVALID_STATE, () -> commit(given(schedule("a-1", DAY1)), T0, schedule("a-1", DAY2)));
  }

  @Test
  void rescheduling_an_unknown_appointment_fails_validation() {
    refusal(Reason.VALIDATION_FAILED, () -> commit(empty(), T0, reschedule("a-404", DAY2)));
  }

  @Test
  void reservation_hold_adds_a_held_reservation() {
    Commit commit = commit(empty(), T0, hold("r-1", TOMORROW));
    assertEquals(new Reservation("r-1", "SKU-1", "store-9", at(TOMORROW), "held"), commit.after().reservations().get("r-1"));
    assertEquals(Map.of("reservationId", "r-1", "sku", "SKU-1", "storeId", "store-9", "until", at(TOMORROW)),
        commit.changes().get(0).data());
  }

  @Test
  void release_and_fulfil_end_a_hold() {
    CustomerContext held = given(hold("r-1", TOMORROW));
    assertEquals("released", after(held, T0, release("r-1")).reservations().get("r-1").status());
    assertEquals("fulfilled", after(held, T0, fulfil("r-1")).reservations().get("r-1").status());
  }

  @Test
  void release_or_fulfil_of_a_reservation_that_is_not_held_is_an_invalid_state() {
    CustomerContext fulfilled = given(hold("r-1", TOMORROW), fulfil("r-1"));
    CustomerContext released = given(hold("r-1", TOMORROW), release("r-1"));
    CustomerContext expired = ContextRules.commit(given(hold("r-1", TOMORROW)),
        List.of(new ScheduleOps.ReservationExpire("r-1")), Actor.SERVER, at(TOMORROW)).after();
    assertEquals("expired", expired.reservations().get("r-1").status());
    for (CustomerContext c : List.of(fulfilled, released, expired)) {
      refusal(Reason.INVALID_STATE, () -> commit(c, T0, release("r-1")));
      refusal(Reason.INVALID_STATE, () -> commit(c, T0, fulfil("r-1")));
    }
  }

  @Test
  void a_held_reservation_cannot_be_held_again_but_a_released_one_can() {
    refusal(Reason.INVALID_STATE, () -> commit(given(hold("r-1", TOMORROW)), T0, hold("r-1", TOMORROW)));
    CustomerContext again = after(given(hold("r-1", TOMORROW), release("r-1")), T0, hold("r-1", DAY1));
    assertEquals(new Reservation("r-1", "SKU-1", "store-9", at(DAY1), "held"), again.reservations().get("r-1"));
  }

  @Test
  void releasing_an_unknown_reservation_fails_validation() {
    refusal(Reason.VALIDATION_FAILED, () -> commit(empty(), T0, release("r-404")));
  }

  static Stream<Arguments> invalid_ops() {
    var schedule = schedule("a-1", DAY1);
    var hold = hold("r-1", TOMORROW);
    return Stream.of(
        bad("schedule without appointmentId", "appointmentId", without(schedule, "appointmentId")),
        bad("schedule without kind", "kind", without(schedule, "kind")),
        bad("schedule with a 129 character kind", "kind", plus(schedule, "kind", chars(129))),
        bad("schedule without at", "at", without(schedule, "at")),
        bad("schedule with a date only", "at", plus(schedule, "at", "2026-11-25")),
        bad("schedule with epoch millis", "at", plus(schedule, "at", 1795000000000L)),
        bad("reschedule without at", "at", op("appointment.reschedule", "appointmentId", "a-1")),
        bad("reschedule with a number kind", "kind", plus(reschedule("a-1", DAY2), "kind", 3)),
        bad("cancel without appointmentId", "appointmentId", op("appointment.cancel")),
        bad("hold without reservationId", "reservationId", without(hold, "reservationId")),
        bad("hold without sku", "sku", without(hold, "sku")),
        bad("hold with a spaced storeId", "storeId", plus(hold, "storeId", "store 9")),
        bad("hold without until", "until", without(hold, "until")),
        bad("hold with a bad until", "until", plus(hold, "until", "tomorrow 6pm")),
        bad("release with a number id", "reservationId", op("reservation.release", "reservationId", 1)),
        bad("fulfil without reservationId", "reservationId", op("reservation.fulfil")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid_ops")
  void a_bad_field_fails_validation_naming_the_field(String what, String field, Map<String, Object> op) {
    assertInvalid(op, field);
  }
}
