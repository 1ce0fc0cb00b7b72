package io.omnicontext.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The pure rules: (context, op) -> context, and a request's ops -> one commit of N versions or a refusal. */
public final class ContextRules {
  private ContextRules() {}

  /** Applies one op to a copy of the context; the version is not touched. */
  public static CustomerContext apply(CustomerContext context, Op op, Actor actor, Instant at) {
    refuseIfMerged(context);
    return op.apply(context.copy(), actor, at);
  }

  /** {@link #commit(CustomerContext, List, Actor, Instant, Limits)} unbounded: what the journal replays. */
  public static Commit commit(CustomerContext current, List<Op> ops, Actor actor, Instant now) {
    return commit(current, ops, actor, now, Limits.NONE);
  }

  /**
   * Applies every op in order, one version each, on one working copy (all or nothing: a refusal
   * drops it and leaves {@code current} untouched). Attention is kept current op by op, and a change
   * carries it when it altered it. Refuses (too_large) a commit that grows a collection past its limit.
   */
  public static Commit commit(CustomerContext current, List<Op> ops, Actor actor, Instant now, Limits limits) {
    Instant at = now.truncatedTo(ChronoUnit.MILLIS);
    CustomerContext draft = current.trackedCopy();
    Attention.Live attention = new Attention.Live(draft, current.attention(), at);
    long version = current.version();
    List<Change> changes = new ArrayList<>(ops.size());
    List<Commit.TeamEntry> team = new ArrayList<>();
    List<Items.Identity> linked = new ArrayList<>();
    List<CustomerContext> steps = new ArrayList<>(ops.size());
    String adopt = null;
    for (Op op : ops) {
      refuseIfMerged(draft);
      String t = op.team(draft); // the context before this op
      draft = op.apply(draft, actor, at);
      boolean altered = attention.update(draft);
      Change change = new Change(current.customerId(), ++version, op.name(), op.data(), actor, at, altered ? attention.list() : null);
      changes.add(change);
      // the context right after this op, as a value (the draft goes on changing): what its patches are computed from
      CustomerContext step = draft.copy().withAttention(attention.list()).withVersion(version);
      steps.add(step);
      if (t != null) team.add(new Commit.TeamEntry(t, change, TeamBoard.entry(step, (String) change.data().get("handoffId"))));
      if (op instanceof ProfileOps.IdentityLink l) linked.add(new Items.Identity(l.type(), l.value(), at));
      if (op instanceof MergeOps.CustomerMerge m) {
        linked.addAll(m.identities());
        if (adopt == null) adopt = m.from();
      }
    }
    CustomerContext after = draft.withAttention(attention.list()).withVersion(version);
    limits.check(current, after);
    return new Commit(current, after, changes, team, linked, adopt, steps);
  }

  private static void refuseIfMerged(CustomerContext context) {
    if (context.mergedInto() != null) {
      throw Refusal.invalidState("customer " + context.customerId() + " was merged into " + context.mergedInto() + "; write there");
    }
  }
}
