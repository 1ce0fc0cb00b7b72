package io.omnicontext.domain;

import io.omnicontext.domain.Items.Handoff;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Hand-offs between teams: created open, accepted once, completed; overdue when dueBy passes while open. */
public final class HandoffOps {
  static final Set<String> KINDS = Set.of("reservation", "appointment", "case", "offer");
  private static final Pattern TEAM = Pattern.compile("[a-z0-9-]{1,32}:[A-Za-z0-9._-]{1,96}");

  private HandoffOps() {}

  public static boolean isTeam(String s) { return s != null && TEAM.matcher(s).matches(); }

  static Handoff existing(CustomerContext c, String id) {
    Handoff h = c.handoffs().get(id);
    if (h == null) throw Refusal.invalid("hand-off " + id + " does not exist");
    return h;
  }

  static Handoff with(Handoff h, String status, Actor acceptedBy, Instant acceptedAt, String outcome) {
    return new Handoff(h.handoffId(), h.kind(), h.ref(), h.fromChannel(), h.toTeam(), h.dueBy(), h.note(), status,
        h.createdAt(), acceptedBy, acceptedAt, outcome);
  }

  /** Every hand-off op but create belongs to the team of the hand-off it names. */
  static String teamOf(CustomerContext before, String handoffId) {
    Handoff h = before.handoffs().get(handoffId);
    return h == null ? null : h.toTeam();
  }

  public record HandoffCreate(String handoffId, String kind, String ref, String fromChannel, String toTeam,
      Instant dueBy, String note) implements Op {
    static HandoffCreate read(Fields f) {
      String team = f.text("toTeam", Fields.SHORT);
      if (!isTeam(team)) throw Refusal.invalid("toTeam must be area:name such as store:branch-X");
      return new HandoffCreate(f.id("handoffId"), f.oneOf("kind", KINDS), f.id("ref"), f.channel("fromChannel"), team,
          f.time("dueBy"), f.optText("note", 2000));
    }
    public String name() { return "handoff.create"; }
    public Map<String, Object> data() {
      return Op.data("handoffId", handoffId, "kind", kind, "ref", ref, "fromChannel", fromChannel, "toTeam", toTeam,
          "dueBy", dueBy, "note", note);
    }
    public String team(CustomerContext before) { return toTeam; }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      if (c.handoffs().containsKey(handoffId)) throw Refusal.invalid("hand-off " + handoffId + " already exists");
      c.handoffs().put(handoffId, new Handoff(handoffId, kind, ref, fromChannel, toTeam, dueBy, note, "open", at, null,
          null, null));
    }
  }

  public record HandoffAccept(String handoffId) implements Op {
    static HandoffAccept read(Fields f) { return new HandoffAccept(f.id("handoffId")); }
    public String name() { return "handoff.accept"; }
    public Map<String, Object> data() { return Op.data("handoffId", handoffId); }
    public String team(CustomerContext before) { return teamOf(before, handoffId); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      Handoff h = existing(c, handoffId);
      if (!h.waiting()) {
        String by = h.acceptedBy() == null ? "" : " by " + h.acceptedBy().sub();
        throw new Refusal(Reason.HANDOFF_TAKEN, "hand-off " + handoffId + " is already " + h.status() + by);
      }
      c.handoffs().put(handoffId, with(h, "accepted", actor, at, null));
    }
  }

  public record HandoffComplete(String handoffId, String outcome) implements Op {
    static HandoffComplete read(Fields f) { return new HandoffComplete(f.id("handoffId"), f.optText("outcome", 2000)); }
    public String name() { return "handoff.complete"; }
    public Map<String, Object> data() { return Op.data("handoffId", handoffId, "outcome", outcome); }
    public String team(CustomerContext before) { return teamOf(before, handoffId); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      Handoff h = existing(c, handoffId);
      if ("completed".equals(h.status())) throw Refusal.invalidState("hand-off " + handoffId + " is already completed");
      Actor by = h.acceptedBy() == null ? actor : h.acceptedBy();
      c.handoffs().put(handoffId, with(h, "completed", by, h.acceptedAt() == null ? at : h.acceptedAt(), outcome));
    }
  }

  /** Server op: an open hand-off whose dueBy passed. */
  public record HandoffOverdue(String handoffId) implements Op {
    public String name() { return "handoff.overdue"; }
    public Map<String, Object> data() { return Op.data("handoffId", handoffId); }
    public String team(CustomerContext before) { return teamOf(before, handoffId); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      Handoff h = existing(c, handoffId);
      if (!"open".equals(h.status())) throw Refusal.invalidState("hand-off " + handoffId + " is " + h.status());
      c.handoffs().put(handoffId, with(h, "overdue", null, null, null));
    }
  }
}
