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
    if (context.mergedInto() != null) {
      throw Refusal.invalidState("customer " + context.customerId() + " was merged into " + context.mergedInto() + "; write there");
    }
    return op.apply(context.copy(), actor, at);
  }

  /** Applies every op in order, one version each, deriving attention after each; all or nothing. */
  public static Commit commit(CustomerContext current, List<Op> ops, Actor actor, Instant now) {
    Instant at = now.truncatedTo(ChronoUnit.MILLIS);
    CustomerContext ctx = current;
    List<Change> changes = new ArrayList<>(ops.size());
    List<Commit.TeamEntry> team = new ArrayList<>();
    List<Items.Identity> linked = new ArrayList<>();
    List<CustomerContext> steps = new ArrayList<>(ops.size());
    for (Op op : ops) {
      CustomerContext next = apply(ctx, op, actor, at);
      List<AttentionItem> attention = Attention.derive(next, ctx.attention(), at);
      boolean altered = !Attention.sameCues(ctx.attention(), attention);
      next = next.withAttention(attention).withVersion(ctx.version() + 1);
      Change change = new Change(current.customerId(), next.version(), op.name(), op.data(), actor, at,
          altered ? attention : null);
      changes.add(change);
      String t = op.team(ctx);
      if (t != null) team.add(new Commit.TeamEntry(t, change, TeamBoard.entry(next, (String) change.data().get("handoffId"))));
      steps.add(next);
      if (op instanceof ProfileOps.IdentityLink l) linked.add(new Items.Identity(l.type(), l.value(), at));
      if (op instanceof MergeOps.CustomerMerge m) linked.addAll(m.identities());
      ctx = next;
    }
    String adopt = ops.stream().filter(o -> o instanceof MergeOps.CustomerMerge).map(o -> ((MergeOps.CustomerMerge) o).from()).findFirst().orElse(null);
    return new Commit(current, ctx, changes, team, linked, adopt, steps);
  }
}
