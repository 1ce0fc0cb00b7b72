package io.omnicontext.domain;

import io.omnicontext.domain.Items.Appointment;
import io.omnicontext.domain.Items.Handoff;
import io.omnicontext.domain.Items.Identity;
import io.omnicontext.domain.Items.Interaction;
import io.omnicontext.domain.Items.Note;
import io.omnicontext.domain.Items.Offer;
import io.omnicontext.domain.Items.Reservation;
import io.omnicontext.domain.Items.SupportCase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Merging a duplicate customer into a survivor: the survivor commits `customer.merge`, carrying what it
 * folds in (so the journal can replay it), and the duplicate commits `customer.merged`, its tombstone.
 * On a clash of ids the survivor's item wins.
 */
public final class MergeOps {
  private MergeOps() {}

  /** The survivor folds in the duplicate's items, as they were when it was merged. */
  public record CustomerMerge(String from, Map<String, Object> profile, Map<String, Object> preferences,
      List<Identity> identities, List<Offer> offers, List<SupportCase> cases, List<Note> notes,
      List<Interaction> interactions, List<Appointment> appointments, List<Reservation> reservations,
      List<Handoff> handoffs) implements Op {

    /** What the duplicate brings along. */
    public static CustomerMerge of(CustomerContext duplicate) {
      return new CustomerMerge(duplicate.customerId(), duplicate.profile(), duplicate.preferences(), duplicate.identities(),
          List.copyOf(duplicate.offers().values()), List.copyOf(duplicate.cases().values()), duplicate.notes(),
          duplicate.interactions(), List.copyOf(duplicate.appointments().values()), List.copyOf(duplicate.reservations().values()),
          List.copyOf(duplicate.handoffs().values()));
    }

    static CustomerMerge read(Fields f) {
      return new CustomerMerge(f.id("from"), f.anyObject("profile"), f.anyObject("preferences"),
          f.list("identities", ItemReader::identity), f.list("offers", ItemReader::offer), f.list("cases", ItemReader::supportCase),
          f.list("notes", ItemReader::note), f.list("interactions", ItemReader::interaction),
          f.list("appointments", ItemReader::appointment), f.list("reservations", ItemReader::reservation),
          f.list("handoffs", ItemReader::handoff));
    }

    public String name() { return "customer.merge"; }

    public Map<String, Object> data() {
      return Op.data("from", from, "profile", profile, "preferences", preferences, "identities", identities, "offers", offers,
          "cases", cases, "notes", notes, "interactions", interactions, "appointments", appointments,
          "reservations", reservations, "handoffs", handoffs);
    }

    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      if (from.equals(c.customerId())) throw Refusal.invalid("a customer cannot be merged into itself");
      if (c.mergedFrom().contains(from)) throw Refusal.invalidState("customer " + from + " was already merged into " + c.customerId());
      profile.forEach(c.profile()::putIfAbsent);
      preferences.forEach(c.preferences()::putIfAbsent);
      identities.stream().filter(i -> c.identities().stream().noneMatch(m -> m.type().equals(i.type()) && m.value().equals(i.value())))
          .forEach(c.identities()::add);
      offers.forEach(o -> c.offers().putIfAbsent(o.offerId(), o));
      cases.forEach(k -> c.cases().putIfAbsent(k.caseId(), k));
      appointments.forEach(a -> c.appointments().putIfAbsent(a.appointmentId(), a));
      reservations.forEach(r -> c.reservations().putIfAbsent(r.reservationId(), r));
      handoffs.forEach(h -> c.handoffs().putIfAbsent(h.handoffId(), h));
      notes.stream().filter(n -> c.notes().stream().noneMatch(m -> ProfileOps.sameNote(m, n.noteId(), n.visibility()))).forEach(c.notes()::add);
      c.notes().sort(Comparator.comparing(Note::at)); // oldest first, as the contract keeps them
      var all = new LinkedHashMap<String, Interaction>();
      c.interactions().forEach(i -> all.put(i.interactionId(), i));
      interactions.forEach(i -> all.putIfAbsent(i.interactionId(), i));
      List<Interaction> newestFirst = new ArrayList<>(all.values());
      newestFirst.sort(Comparator.comparing(Interaction::at).reversed());
      c.interactions().clear();
      c.interactions().addAll(newestFirst.subList(0, Math.min(CustomerContext.INTERACTIONS_KEPT, newestFirst.size())));
      c.mergedFrom().add(from);
    }
  }

  /** The duplicate's tombstone: it points to the survivor; its subscribers learn where to go from this change. */
  public record CustomerMerged(String into) implements Op {
    static CustomerMerged read(Fields f) { return new CustomerMerged(f.id("into")); }

    public String name() { return "customer.merged"; }

    public Map<String, Object> data() { return Op.data("into", into); }

    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      if (into.equals(c.customerId())) throw Refusal.invalid("a customer cannot be merged into itself");
    }

    @Override
    public CustomerContext apply(CustomerContext draft, Actor actor, Instant at) {
      applyTo(draft, actor, at);
      return draft.withMergedInto(into);
    }
  }

  /** Journaled items (plain JSON maps) back into records, for replay. */
  static final class ItemReader {
    private ItemReader() {}

    static Identity identity(Fields f) { return new Identity(f.text("type", Fields.SHORT), f.text("value", 256), f.optTime("linkedAt")); }

    static Offer offer(Fields f) {
      return new Offer(f.text("offerId", Fields.SHORT), f.optText("title", 200), f.optText("originChannel", Fields.SHORT),
          f.optChannels("eligibleChannels"), f.optNumber("price"), f.optTime("validUntil"), f.text("status", Fields.SHORT),
          f.optTime("issuedAt"), f.optTime("redeemedAt"), f.optText("redeemedChannel", Fields.SHORT));
    }

    static SupportCase supportCase(Fields f) {
      return new SupportCase(f.text("caseId", Fields.SHORT), f.optText("subject", 200), f.text("status", Fields.SHORT),
          f.optText("priority", Fields.SHORT), f.optText("owner", Fields.SHORT), f.optTime("openedAt"));
    }

    static Note note(Fields f) {
      return new Note(f.text("noteId", Fields.SHORT), f.text("text", Fields.TEXT), f.text("visibility", Fields.SHORT), f.optTime("at"));
    }

    static Interaction interaction(Fields f) {
      return new Interaction(f.text("interactionId", Fields.SHORT), f.optText("channel", Fields.SHORT), f.optText("kind", Fields.SHORT),
          f.optText("summary", 1000), f.optTime("at"));
    }

    static Appointment appointment(Fields f) {
      return new Appointment(f.text("appointmentId", Fields.SHORT), f.optText("kind", Fields.SHORT), f.optTime("at"),
          f.text("status", Fields.SHORT), f.optTime("previousAt"));
    }

    static Reservation reservation(Fields f) {
      return new Reservation(f.text("reservationId", Fields.SHORT), f.optText("sku", Fields.SHORT), f.optText("storeId", Fields.SHORT),
          f.optTime("until"), f.text("status", Fields.SHORT));
    }

    static Handoff handoff(Fields f) {
      Map<String, Object> by = f.optObject("acceptedBy");
      return new Handoff(f.text("handoffId", Fields.SHORT), f.optText("kind", Fields.SHORT), f.optText("ref", Fields.SHORT),
          f.optText("fromChannel", Fields.SHORT), f.optText("toTeam", Fields.SHORT), f.optTime("dueBy"), f.optText("note", 2000),
          f.text("status", Fields.SHORT), f.optTime("createdAt"),
          by == null ? null : new Actor((String) by.get("sub"), (String) by.get("channel")), f.optTime("acceptedAt"),
          f.optText("outcome", 2000));
    }
  }

  /** Readers by op name for {@link OpParser#replay}. */
  static final Map<String, Function<Fields, Op>> REPLAY = Map.of(
      "customer.merge", CustomerMerge::read,
      "customer.merged", CustomerMerged::read);
}
