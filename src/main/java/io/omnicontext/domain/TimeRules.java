package io.omnicontext.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Time-driven changes: holds past until expire, offers past validUntil expire, open hand-offs past
 * dueBy turn overdue, and attention that time alone changed (an appointment now within 48 h, a hold
 * now within 24 h of its end) is refreshed by a commit of its own, so every channel sees it at once.
 */
public final class TimeRules {
  private TimeRules() {}

  /** The ops the server must commit now, in a stable order. */
  public static List<Op> dueOps(CustomerContext c, Instant now) {
    List<Op> ops = new ArrayList<>();
    if (c.mergedInto() != null) return ops; // a tombstone: its items live on in the survivor
    c.reservations().values().stream().filter(r -> "held".equals(r.status()) && !r.until().isAfter(now))
        .forEach(r -> ops.add(new ScheduleOps.ReservationExpire(r.reservationId())));
    c.offers().values().stream().filter(o -> "issued".equals(o.status()) && !o.validUntil().isAfter(now))
        .forEach(o -> ops.add(new OfferOps.OfferExpire(o.offerId())));
    c.handoffs().values().stream().filter(h -> "open".equals(h.status()) && !h.dueBy().isAfter(now))
        .forEach(h -> ops.add(new HandoffOps.HandoffOverdue(h.handoffId())));
    if (ops.isEmpty() && !Attention.sameCues(c.attention(), Attention.derive(c, c.attention(), now))) ops.add(new AttentionRefresh());
    return ops;
  }

  /** Server op: time alone changed the attention list; the change carries the new one. */
  public record AttentionRefresh() implements Op {
    public String name() { return "attention.refresh"; }
    public Map<String, Object> data() { return Map.of(); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {}
  }

  /** The earliest time something of this context falls due, if any; attention thresholds count only after {@code after}. */
  public static Optional<Instant> nextDue(CustomerContext c, Instant after) {
    if (c.mergedInto() != null) return Optional.empty();
    List<Instant> times = new ArrayList<>();
    c.appointments().values().stream().filter(a -> "scheduled".equals(a.status()))
        .forEach(a -> { times.add(a.at().minus(Attention.APPOINTMENT_SOON)); times.add(a.at()); });
    c.reservations().values().stream().filter(r -> "held".equals(r.status()))
        .forEach(r -> times.add(r.until().minus(Attention.RESERVATION_EXPIRING)));
    times.removeIf(t -> !t.isAfter(after));
    c.reservations().values().stream().filter(r -> "held".equals(r.status())).forEach(r -> times.add(r.until()));
    c.offers().values().stream().filter(o -> "issued".equals(o.status())).forEach(o -> times.add(o.validUntil()));
    c.handoffs().values().stream().filter(h -> "open".equals(h.status())).forEach(h -> times.add(h.dueBy()));
    return times.stream().min(Instant::compareTo);
  }
}
