package io.omnicontext.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The actionable cues every channel shows on top, derived from the context alone. An item keeps its
 * `since` while it stays (same kind and ref); a new one starts at the commit time.
 */
public final class Attention {
  public static final Duration APPOINTMENT_SOON = Duration.ofHours(48);
  public static final Duration RESERVATION_EXPIRING = Duration.ofHours(24);
  private static final List<String> SEVERITIES = List.of("high", "medium", "info");

  private Attention() {}

  public static List<AttentionItem> derive(CustomerContext c, List<AttentionItem> previous, Instant at) {
    List<AttentionItem> out = new ArrayList<>();
    c.handoffs().values().forEach(h -> {
      if ("open".equals(h.status())) out.add(item("handoff_open", h.handoffId(), "medium", h.toTeam()));
      if ("overdue".equals(h.status())) out.add(item("handoff_overdue", h.handoffId(), "high", h.toTeam()));
    });
    c.cases().values().stream().filter(Items.SupportCase::open).forEach(k -> out.add(item("case_open", k.caseId(),
        List.of("high", "urgent", "critical").contains(k.priority()) ? "high" : "medium", k.subject())));
    c.offers().values().stream().filter(o -> "issued".equals(o.status()) && at.isBefore(o.validUntil()))
        .forEach(o -> out.add(item("offer_redeemable", o.offerId(), "info",
            o.eligibleChannels() == null ? String.join(",", Channels.ALL) : String.join(",", o.eligibleChannels()))));
    c.preferences().forEach((key, value) -> {
      if (key.startsWith("consent.") && Boolean.FALSE.equals(value)) out.add(item("consent_withdrawn", key, "medium", key));
    });
    c.appointments().values().stream()
        .filter(a -> "scheduled".equals(a.status()) && !a.at().isBefore(at) && !a.at().isAfter(at.plus(APPOINTMENT_SOON)))
        .forEach(a -> out.add(item("appointment_soon", a.appointmentId(), "medium", a.at().toString())));
    c.reservations().values().stream()
        .filter(r -> "held".equals(r.status()) && !r.until().isAfter(at.plus(RESERVATION_EXPIRING)))
        .forEach(r -> out.add(item("reservation_expiring", r.reservationId(), "medium", r.until().toString())));
    List<AttentionItem> dated = new ArrayList<>(out.size());
    for (AttentionItem i : out) dated.add(withSince(i, sinceOf(i, previous, at)));
    dated.sort(Comparator.comparingInt((AttentionItem i) -> SEVERITIES.indexOf(i.severity()))
        .thenComparing(AttentionItem::since).thenComparing(AttentionItem::kind).thenComparing(AttentionItem::ref));
    return List.copyOf(dated);
  }

  /** True when both lists hold the same cues with the same severity and detail (since aside). */
  public static boolean sameCues(List<AttentionItem> a, List<AttentionItem> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) {
      AttentionItem x = a.get(i), y = b.get(i);
      if (!x.sameCue(y) || !x.severity().equals(y.severity()) || !Objects.equals(x.detail(), y.detail())) return false;
    }
    return true;
  }

  /** The cues a customer's own app may show: nothing about internal work (hand-offs, cases). */
  public static List<AttentionItem> forCustomer(List<AttentionItem> items) {
    return items.stream().filter(i -> Map.of("offer_redeemable", 1, "appointment_soon", 1, "reservation_expiring", 1)
        .containsKey(i.kind())).toList();
  }

  private static AttentionItem item(String kind, String ref, String severity, String detail) {
    return new AttentionItem(kind, ref, null, severity, detail);
  }

  private static Instant sinceOf(AttentionItem i, List<AttentionItem> previous, Instant at) {
    return previous.stream().filter(p -> p.sameCue(i)).map(AttentionItem::since).findFirst().orElse(at);
  }

  private static AttentionItem withSince(AttentionItem i, Instant since) {
    return new AttentionItem(i.kind(), i.ref(), since, i.severity(), i.detail());
  }
}
