package io.omnicontext.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Time-driven changes: holds past until expire, offers past validUntil expire, open hand-offs past dueBy turn overdue. */
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
    return ops;
  }

  /** The earliest time something of this context falls due, if any. */
  public static Optional<Instant> nextDue(CustomerContext c) {
    List<Instant> times = new ArrayList<>();
    c.reservations().values().stream().filter(r -> "held".equals(r.status())).forEach(r -> times.add(r.until()));
    c.offers().values().stream().filter(o -> "issued".equals(o.status())).forEach(o -> times.add(o.validUntil()));
    c.handoffs().values().stream().filter(h -> "open".equals(h.status())).forEach(h -> times.add(h.dueBy()));
    return times.stream().min(Instant::compareTo);
  }
}
