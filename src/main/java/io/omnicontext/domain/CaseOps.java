package io.omnicontext.domain;

import io.omnicontext.domain.Items.Engagement;
import io.omnicontext.domain.Items.SupportCase;
import java.time.Instant;
import java.util.Map;

/** Service cases and engagements (who is with the customer right now). */
public final class CaseOps {
  private CaseOps() {}

  static SupportCase existingCase(CustomerContext c, String caseId) {
    SupportCase k = c.cases().get(caseId);
    if (k == null) throw Refusal.invalid("case " + caseId + " does not exist");
    return k;
  }

  public record CaseOpen(String caseId, String subject, String status, String priority, String owner) implements Op {
    static CaseOpen read(Fields f) {
      return new CaseOpen(f.id("caseId"), f.text("subject", 200), f.optText("status", Fields.SHORT),
          f.optText("priority", Fields.SHORT), f.optText("owner", Fields.SHORT));
    }
    public String name() { return "case.open"; }
    public Map<String, Object> data() {
      return Op.data("caseId", caseId, "subject", subject, "status", status, "priority", priority, "owner", owner);
    }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      SupportCase old = c.cases().get(caseId);
      if (old != null && old.open()) throw Refusal.invalidState("case " + caseId + " is already open");
      c.cases().put(caseId, new SupportCase(caseId, subject, status == null ? "open" : status,
          priority == null ? "normal" : priority, owner, at));
    }
  }

  public record CaseUpdate(String caseId, String subject, String status, String priority, String owner) implements Op {
    static CaseUpdate read(Fields f) {
      var u = new CaseUpdate(f.id("caseId"), f.optText("subject", 200), f.optText("status", Fields.SHORT),
          f.optText("priority", Fields.SHORT), f.optText("owner", Fields.SHORT));
      if (u.subject == null && u.status == null && u.priority == null && u.owner == null) {
        throw Refusal.invalid("case.update must carry at least one of subject, status, priority, owner");
      }
      return u;
    }
    public String name() { return "case.update"; }
    public Map<String, Object> data() {
      return Op.data("caseId", caseId, "subject", subject, "status", status, "priority", priority, "owner", owner);
    }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      SupportCase k = existingCase(c, caseId);
      c.cases().put(caseId, new SupportCase(caseId, or(subject, k.subject()), or(status, k.status()),
          or(priority, k.priority()), or(owner, k.owner()), k.openedAt()));
    }
    private static String or(String v, String old) { return v == null ? old : v; }
  }

  public record CaseResolve(String caseId) implements Op {
    static CaseResolve read(Fields f) { return new CaseResolve(f.id("caseId")); }
    public String name() { return "case.resolve"; }
    public Map<String, Object> data() { return Op.data("caseId", caseId); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      SupportCase k = existingCase(c, caseId);
      if (!k.open()) throw Refusal.invalidState("case " + caseId + " is already resolved");
      c.cases().put(caseId, new SupportCase(caseId, k.subject(), "resolved", k.priority(), k.owner(), k.openedAt()));
    }
  }

  public record EngagementStart(String engagementId, String channel, String activity) implements Op {
    static EngagementStart read(Fields f) {
      return new EngagementStart(f.id("engagementId"), f.channel("channel"), f.text("activity", Fields.SHORT));
    }
    public String name() { return "engagement.start"; }
    public Map<String, Object> data() { return Op.data("engagementId", engagementId, "channel", channel, "activity", activity); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      Engagement old = c.engagements().get(engagementId);
      if (old != null && "active".equals(old.status())) throw Refusal.invalidState("engagement " + engagementId + " is already active");
      c.engagements().put(engagementId, new Engagement(engagementId, channel, activity, "active", at, null));
    }
  }

  public record EngagementEnd(String engagementId, String channel, String activity) implements Op {
    static EngagementEnd read(Fields f) {
      return new EngagementEnd(f.id("engagementId"), f.optChannel("channel"), f.optText("activity", Fields.SHORT));
    }
    public String name() { return "engagement.end"; }
    public Map<String, Object> data() { return Op.data("engagementId", engagementId, "channel", channel, "activity", activity); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      Engagement e = c.engagements().get(engagementId);
      if (e == null) throw Refusal.invalid("engagement " + engagementId + " does not exist");
      if (!"active".equals(e.status())) throw Refusal.invalidState("engagement " + engagementId + " already ended");
      c.engagements().put(engagementId, new Engagement(engagementId, e.channel(), e.activity(), "ended", e.startedAt(), at));
    }
  }
}
