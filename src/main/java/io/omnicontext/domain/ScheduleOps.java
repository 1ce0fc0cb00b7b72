package io.omnicontext.domain;

import io.omnicontext.domain.Items.Appointment;
import io.omnicontext.domain.Items.Reservation;
import java.time.Instant;
import java.util.Map;

/** Appointments (scheduled, rescheduled with previousAt, cancelled) and reservations (held until a time). */
public final class ScheduleOps {
  private ScheduleOps() {}

  static Appointment appointment(CustomerContext c, String id) {
    Appointment a = c.appointments().get(id);
    if (a == null) throw Refusal.invalid("appointment " + id + " does not exist");
    if (!"scheduled".equals(a.status())) throw Refusal.invalidState("appointment " + id + " is " + a.status());
    return a;
  }

  static Reservation held(CustomerContext c, String id) {
    Reservation r = c.reservations().get(id);
    if (r == null) throw Refusal.invalid("reservation " + id + " does not exist");
    if (!"held".equals(r.status())) throw Refusal.invalidState("reservation " + id + " is " + r.status());
    return r;
  }

  static void put(CustomerContext c, Reservation r, String status) {
    c.reservations().put(r.reservationId(), new Reservation(r.reservationId(), r.sku(), r.storeId(), r.until(), status));
  }

  public record AppointmentSchedule(String appointmentId, String kind, Instant at) implements Op {
    static AppointmentSchedule read(Fields f) {
      return new AppointmentSchedule(f.id("appointmentId"), f.text("kind", Fields.SHORT), f.time("at"));
    }
    public String name() { return "appointment.schedule"; }
    public Map<String, Object> data() { return Op.data("appointmentId", appointmentId, "kind", kind, "at", at); }
    public void applyTo(CustomerContext c, Actor actor, Instant now) {
      Appointment old = c.appointments().get(appointmentId);
      if (old != null && "scheduled".equals(old.status())) throw Refusal.invalidState("appointment " + appointmentId + " is already scheduled; use appointment.reschedule");
      c.appointments().put(appointmentId, new Appointment(appointmentId, kind, at, "scheduled", null));
    }
  }

  public record AppointmentReschedule(String appointmentId, String kind, Instant at) implements Op {
    static AppointmentReschedule read(Fields f) {
      return new AppointmentReschedule(f.id("appointmentId"), f.optText("kind", Fields.SHORT), f.time("at"));
    }
    public String name() { return "appointment.reschedule"; }
    public Map<String, Object> data() { return Op.data("appointmentId", appointmentId, "kind", kind, "at", at); }
    public void applyTo(CustomerContext c, Actor actor, Instant now) {
      Appointment a = appointment(c, appointmentId);
      c.appointments().put(appointmentId, new Appointment(appointmentId, kind == null ? a.kind() : kind, at, "scheduled", a.at()));
    }
  }

  public record AppointmentCancel(String appointmentId) implements Op {
    static AppointmentCancel read(Fields f) { return new AppointmentCancel(f.id("appointmentId")); }
    public String name() { return "appointment.cancel"; }
    public Map<String, Object> data() { return Op.data("appointmentId", appointmentId); }
    public void applyTo(CustomerContext c, Actor actor, Instant now) {
      Appointment a = appointment(c, appointmentId);
      c.appointments().put(appointmentId, new Appointment(appointmentId, a.kind(), a.at(), "cancelled", a.previousAt()));
    }
  }

  public record ReservationHold(String reservationId, String sku, String storeId, Instant until) implements Op {
    static ReservationHold read(Fields f) {
      return new ReservationHold(f.id("reservationId"), f.text("sku", Fields.SHORT), f.id("storeId"), f.time("until"));
    }
    public String name() { return "reservation.hold"; }
    public Map<String, Object> data() { return Op.data("reservationId", reservationId, "sku", sku, "storeId", storeId, "until", until); }
    public void applyTo(CustomerContext c, Actor actor, Instant now) {
      Reservation old = c.reservations().get(reservationId);
      if (old != null && "held".equals(old.status())) throw Refusal.invalidState("reservation " + reservationId + " is already held");
      c.reservations().put(reservationId, new Reservation(reservationId, sku, storeId, until, "held"));
    }
  }

  public record ReservationRelease(String reservationId) implements Op {
    static ReservationRelease read(Fields f) { return new ReservationRelease(f.id("reservationId")); }
    public String name() { return "reservation.release"; }
    public Map<String, Object> data() { return Op.data("reservationId", reservationId); }
    public void applyTo(CustomerContext c, Actor actor, Instant now) { put(c, held(c, reservationId), "released"); }
  }

  public record ReservationFulfil(String reservationId) implements Op {
    static ReservationFulfil read(Fields f) { return new ReservationFulfil(f.id("reservationId")); }
    public String name() { return "reservation.fulfil"; }
    public Map<String, Object> data() { return Op.data("reservationId", reservationId); }
    public void applyTo(CustomerContext c, Actor actor, Instant now) { put(c, held(c, reservationId), "fulfilled"); }
  }

  /** Server op: a hold whose until passed. */
  public record ReservationExpire(String reservationId) implements Op {
    public String name() { return "reservation.expire"; }
    public Map<String, Object> data() { return Op.data("reservationId", reservationId); }
    public void applyTo(CustomerContext c, Actor actor, Instant now) { put(c, held(c, reservationId), "expired"); }
  }
}
