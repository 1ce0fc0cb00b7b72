package io.omnicontext.domain;

import io.omnicontext.domain.Items.Engagement;
import io.omnicontext.domain.Items.Note;
import io.omnicontext.domain.Items.SupportCase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a customer token may see: no internal notes, no case owners, no hand-offs, no agent identities,
 * in the context and in every change, the merge's folded items included.
 * A change it may not see still advances its version line: the caller sends the placeholder.
 */
public final class Redaction {
  private static final Set<String> INTERNAL_OPS = Set.of("handoff.create", "handoff.accept", "handoff.complete", "handoff.overdue");

  private Redaction() {}

  /** The change as the audience sees it, or empty when it must be the redacted placeholder. */
  public static Optional<Change> change(Change c, Audience audience) {
    if (audience == Audience.STAFF) return Optional.of(c);
    if (INTERNAL_OPS.contains(c.op())) return Optional.empty();
    if (c.op().equals("note.add") && "internal".equals(c.data().get("visibility"))) return Optional.empty();
    Map<String, Object> data = c.data();
    if (c.op().startsWith("case.") && data.containsKey("owner")) {
      data = new LinkedHashMap<>(data);
      data.remove("owner");
    }
    if (c.op().equals("customer.merge")) data = mergeForCustomer(data);
    return Optional.of(new Change(c.customerId(), c.version(), c.op(), data, c.actor() == null ? null : c.actor().withoutSub(),
        c.at(), c.attention() == null ? null : Attention.forCustomer(c.attention())));
  }

  /**
   * The folded items of a merge as a customer may see them, as the context shows them: no internal
   * notes, no case owners, no hand-offs (whose acceptedBy names agents). The data is records when
   * just committed and plain JSON maps when read back from Redis or the journal: both are redacted.
   */
  private static Map<String, Object> mergeForCustomer(Map<String, Object> data) {
    Map<String, Object> out = new LinkedHashMap<>(data);
    if (data.get("notes") instanceof List<?> notes) out.put("notes", notes.stream().filter(n -> !internalNote(n)).toList());
    if (data.get("cases") instanceof List<?> cases) out.put("cases", cases.stream().map(Redaction::withoutOwner).toList());
    if (data.containsKey("handoffs")) out.put("handoffs", List.of());
    return out;
  }

  private static boolean internalNote(Object note) {
    return note instanceof Note n ? n.internal() : !(note instanceof Map<?, ?> m) || "internal".equals(m.get("visibility"));
  }

  private static Object withoutOwner(Object item) {
    if (item instanceof SupportCase k) return new SupportCase(k.caseId(), k.subject(), k.status(), k.priority(), null, k.openedAt());
    if (!(item instanceof Map<?, ?> m)) return Map.of();
    Map<Object, Object> out = new LinkedHashMap<>(m);
    out.put("owner", null);
    return out;
  }

  public static CustomerContext context(CustomerContext c, Audience audience) {
    if (audience == Audience.STAFF) return c;
    var cases = new LinkedHashMap<String, SupportCase>();
    c.cases().forEach((id, k) -> cases.put(id, new SupportCase(k.caseId(), k.subject(), k.status(), k.priority(), null, k.openedAt())));
    var engagements = new LinkedHashMap<String, Engagement>(c.engagements());
    return new CustomerContext(c.customerId(), c.version(), c.profile(), c.identities(), c.offers(), c.appointments(),
        c.reservations(), cases, c.notes().stream().filter(n -> !n.internal()).toList(), c.preferences(),
        c.interactions(), engagements, Map.of(), Attention.forCustomer(c.attention()), c.mergedFrom(), c.mergedInto());
  }
}
