package io.omnicontext.domain;

import io.omnicontext.domain.Items.Appointment;
import io.omnicontext.domain.Items.Handoff;
import io.omnicontext.domain.Items.Offer;
import io.omnicontext.domain.Items.Reservation;
import io.omnicontext.domain.Items.SupportCase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The actionable cues every channel shows on top, derived from the context alone. An item keeps its
 * `since` while it stays (same kind and ref); a new one starts at the commit time. Each cue comes from
 * one item of one keyed collection, so a commit derives the list once and then again only for the
 * items each op touched ({@link Live}).
 */
public final class Attention {
  public static final Duration APPOINTMENT_SOON = Duration.ofHours(48);
  public static final Duration RESERVATION_EXPIRING = Duration.ofHours(24);
  private static final List<String> SEVERITIES = List.of("high", "medium", "info");
  private static final Set<String> HIGH_PRIORITIES = Set.of("high", "urgent", "critical");
  private static final Set<String> CUSTOMER_KINDS = Set.of("offer_redeemable", "appointment_soon", "reservation_expiring");
  private static final Comparator<AttentionItem> ORDER = Comparator.comparingInt((AttentionItem i) -> SEVERITIES.indexOf(i.severity()))
      .thenComparing(AttentionItem::since).thenComparing(AttentionItem::kind).thenComparing(AttentionItem::ref);

  private Attention() {}

  /** The keyed collections cues come from, and the cue (if any) of one of their items at a time. */
  private enum Source {
    HANDOFFS {
      Map<String, ?> items(CustomerContext c) { return c.handoffs(); }
      AttentionItem cue(String id, Object item, Instant at) {
        Handoff h = (Handoff) item;
        if ("open".equals(h.status())) return item("handoff_open", h.handoffId(), "medium", h.toTeam());
        if ("overdue".equals(h.status())) return item("handoff_overdue", h.handoffId(), "high", h.toTeam());
        return null;
      }
    },
    CASES {
      Map<String, ?> items(CustomerContext c) { return c.cases(); }
      AttentionItem cue(String id, Object item, Instant at) {
        SupportCase k = (SupportCase) item;
        return k.open() ? item("case_open", k.caseId(), HIGH_PRIORITIES.contains(k.priority()) ? "high" : "medium", k.subject()) : null;
      }
    },
    OFFERS {
      Map<String, ?> items(CustomerContext c) { return c.offers(); }
      AttentionItem cue(String id, Object item, Instant at) {
        Offer o = (Offer) item;
        if (!"issued".equals(o.status()) || !at.isBefore(o.validUntil())) return null;
        return item("offer_redeemable", o.offerId(), "info",
            String.join(",", o.eligibleChannels() == null ? Channels.ALL : o.eligibleChannels()));
      }
    },
    PREFERENCES {
      Map<String, ?> items(CustomerContext c) { return c.preferences(); }
      AttentionItem cue(String key, Object value, Instant at) {
        return key.startsWith("consent.") && Boolean.FALSE.equals(value) ? item("consent_withdrawn", key, "medium", key) : null;
      }
    },
    APPOINTMENTS {
      Map<String, ?> items(CustomerContext c) { return c.appointments(); }
      AttentionItem cue(String id, Object item, Instant at) {
        Appointment a = (Appointment) item;
        boolean soon = "scheduled".equals(a.status()) && !a.at().isBefore(at) && !a.at().isAfter(at.plus(APPOINTMENT_SOON));
        return soon ? item("appointment_soon", a.appointmentId(), "medium", a.at().toString()) : null;
      }
    },
    RESERVATIONS {
      Map<String, ?> items(CustomerContext c) { return c.reservations(); }
      AttentionItem cue(String id, Object item, Instant at) {
        Reservation r = (Reservation) item;
        boolean expiring = "held".equals(r.status()) && !r.until().isAfter(at.plus(RESERVATION_EXPIRING));
        return expiring ? item("reservation_expiring", r.reservationId(), "medium", r.until().toString()) : null;
      }
    };

    abstract Map<String, ?> items(CustomerContext c);

    /** The item's cue without its since, or null when it has none; item is null for a removed key. */
    abstract AttentionItem cue(String key, Object item, Instant at);

    AttentionItem cueOf(String key, Object item, Instant at) { return item == null ? null : cue(key, item, at); }
  }

  public static List<AttentionItem> derive(CustomerContext c, List<AttentionItem> previous, Instant at) {
    Map<String, Instant> since = sinceByCue(previous);
    List<AttentionItem> out = new ArrayList<>();
    for (Source s : Source.values()) {
      s.items(c).forEach((key, item) -> {
        AttentionItem cue = s.cueOf(key, item, at);
        if (cue != null) out.add(withSince(cue, since.getOrDefault(cueKey(cue), at)));
      });
    }
    out.sort(ORDER);
    return List.copyOf(out);
  }

  /** True when both lists hold the same cues with the same severity and detail (since aside). */
  public static boolean sameCues(List<AttentionItem> a, List<AttentionItem> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) {
      if (!sameCue(a.get(i), b.get(i))) return false;
    }
    return true;
  }

  /** The cues a customer's own app may show: nothing about internal work (hand-offs, cases). */
  public static List<AttentionItem> forCustomer(List<AttentionItem> items) {
    return items.stream().filter(i -> CUSTOMER_KINDS.contains(i.kind())).toList();
  }

  /**
   * The attention of one commit's working copy, kept current op by op: derived once, then again only
   * for the items an op touched, so a request costs time in proportion to what it changes.
   */
  static final class Live {
    private final Instant at;
    private final Map<Source, Map<String, ?>> watched = new EnumMap<>(Source.class);
    private final Map<Source, Map<String, AttentionItem>> cues = new EnumMap<>(Source.class);
    private final TreeSet<AttentionItem> ordered = new TreeSet<>(ORDER);
    private List<AttentionItem> list;
    private boolean alteredSinceListed;
    private long derivations;

    /** draft: the commit's working copy, its keyed collections {@link TouchedMap}s; stored: the list as last committed. */
    Live(CustomerContext draft, List<AttentionItem> stored, Instant at) {
      this.at = at;
      rebuild(draft, sinceByCue(stored));
      list = stored;
      alteredSinceListed = !sameCues(stored, List.copyOf(ordered));
    }

    /** After an op: whether the list differs from the one before it (then {@link #list()} is the new one). */
    boolean update(CustomerContext draft) {
      boolean same = true;
      for (Source s : Source.values()) same &= s.items(draft) == watched.get(s);
      if (!same) {
        alteredSinceListed |= rebuildAndCompare(draft);
      } else {
        for (Source s : Source.values()) {
          if (watched.get(s) instanceof TouchedMap<String, ?> touched) {
            for (String key : touched.drainTouched()) alteredSinceListed |= refresh(s, key, touched.get(key));
          }
        }
      }
      if (!alteredSinceListed) return false;
      List<AttentionItem> now = List.copyOf(ordered);
      boolean altered = !sameCues(list, now);
      list = now;
      alteredSinceListed = false;
      return altered;
    }

    List<AttentionItem> list() { return list; }

    /** How many item cues were derived so far: the work a commit spent on attention. */
    long derivations() { return derivations; }

    /** Derives the item's cue again; true when it appeared, went, or changed severity or detail. */
    private boolean refresh(Source s, String key, Object item) {
      AttentionItem old = cues.get(s).get(key);
      AttentionItem fresh = s.cueOf(key, item, at);
      derivations++;
      if (fresh == null && old == null) return false;
      if (fresh != null && old != null && fresh.sameCue(old)) {
        fresh = withSince(fresh, old.since());
        if (fresh.equals(old)) return false;
      } else if (fresh != null) {
        fresh = withSince(fresh, at);
      }
      if (old != null) ordered.remove(old);
      if (fresh == null) {
        cues.get(s).remove(key);
      } else {
        cues.get(s).put(key, fresh);
        ordered.add(fresh);
      }
      return old == null || fresh == null || !sameCue(old, fresh);
    }

    /** An op replaced a collection rather than changing it: derive everything again. */
    private boolean rebuildAndCompare(CustomerContext draft) {
      List<AttentionItem> before = List.copyOf(ordered);
      rebuild(draft, sinceByCue(before));
      return !sameCues(before, List.copyOf(ordered));
    }

    private void rebuild(CustomerContext draft, Map<String, Instant> since) {
      ordered.clear();
      for (Source s : Source.values()) {
        Map<String, ?> items = s.items(draft);
        if (items instanceof TouchedMap<String, ?> touched) touched.drainTouched();
        watched.put(s, items);
        Map<String, AttentionItem> bySource = new HashMap<>();
        derivations += items.size();
        items.forEach((key, item) -> {
          AttentionItem cue = s.cueOf(key, item, at);
          if (cue != null) {
            AttentionItem dated = withSince(cue, since.getOrDefault(cueKey(cue), at));
            bySource.put(key, dated);
            ordered.add(dated);
          }
        });
        cues.put(s, bySource);
      }
    }
  }

  private static boolean sameCue(AttentionItem x, AttentionItem y) {
    return x.sameCue(y) && x.severity().equals(y.severity()) && Objects.equals(x.detail(), y.detail());
  }

  private static Map<String, Instant> sinceByCue(List<AttentionItem> items) {
    Map<String, Instant> since = new HashMap<>();
    for (AttentionItem i : items) since.putIfAbsent(cueKey(i), i.since());
    return since;
  }

  private static String cueKey(AttentionItem i) { return i.kind() + "\n" + i.ref(); }

  private static AttentionItem item(String kind, String ref, String severity, String detail) {
    return new AttentionItem(kind, ref, null, severity, detail);
  }

  private static AttentionItem withSince(AttentionItem i, Instant since) {
    return new AttentionItem(i.kind(), i.ref(), since, i.severity(), i.detail());
  }
}
