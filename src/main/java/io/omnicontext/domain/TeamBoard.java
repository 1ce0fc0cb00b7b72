package io.omnicontext.domain;

import io.omnicontext.domain.Items.Handoff;
import java.time.Instant;

/** How a team's screen lists a waiting or accepted hand-off: which customer, what it refers to, by when. */
public final class TeamBoard {
  private TeamBoard() {}

  public record Item(String customerId, String handoffId, String kind, String ref, String status, Instant dueBy,
      String summary, String fromChannel, String note) {}

  /**
   * What the team's board keeps for a hand-off after a commit: its entry while it waits (open, overdue) or is
   * accepted and not yet done, so a screen that reloads can still complete it; null once completed.
   */
  public static Item item(CustomerContext c, String handoffId) {
    Handoff h = c.handoffs().get(handoffId);
    return h == null || !(h.waiting() || h.inProgress()) ? null : entry(c, handoffId);
  }

  /** The hand-off's entry as a board lists it, whatever its status (a team frame's `item`); null if there is no such hand-off. */
  public static Item entry(CustomerContext c, String handoffId) {
    Handoff h = handoffId == null ? null : c.handoffs().get(handoffId);
    if (h == null) return null;
    return new Item(c.customerId(), h.handoffId(), h.kind(), h.ref(), h.status(), h.dueBy(), summary(c, h),
        h.fromChannel(), h.note());
  }

  static String summary(CustomerContext c, Handoff h) {
    String name = c.profile().get("name") instanceof String n ? n + ": " : "";
    String what = switch (h.kind()) {
      case "reservation" -> {
        var r = c.reservations().get(h.ref());
        yield r == null ? "reservation " + h.ref() : "reservation " + r.sku() + " at " + r.storeId() + " until " + r.until();
      }
      case "appointment" -> {
        var a = c.appointments().get(h.ref());
        yield a == null ? "appointment " + h.ref() : "appointment " + a.kind() + " at " + a.at() + " (" + a.status() + ")";
      }
      case "case" -> {
        var k = c.cases().get(h.ref());
        yield k == null ? "case " + h.ref() : "case " + k.subject() + " (" + k.status() + ")";
      }
      default -> {
        var o = c.offers().get(h.ref());
        yield o == null ? "offer " + h.ref() : "offer " + o.title() + " (" + o.status() + ")";
      }
    };
    return name + what;
  }
}
