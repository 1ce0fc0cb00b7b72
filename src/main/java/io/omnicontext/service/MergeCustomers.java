package io.omnicontext.service;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.MergeOps;
import io.omnicontext.domain.Op;
import io.omnicontext.domain.ProfileOps;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.CustomerLocks;
import io.omnicontext.port.ContextStore.Loaded;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Folds a duplicate customer into a survivor: first the duplicate's tombstone (`customer.merged`, so
 * it takes no further write and its subscribers learn where to go), then the survivor's
 * `customer.merge` carrying the duplicate's items as of the tombstone. Each step is a normal commit,
 * so a retry after a failure finishes what is missing and never folds twice.
 */
@ApplicationScoped
public class MergeCustomers {
  private final Rehydration contexts;
  private final CommitChanges commits;
  private final ReadContext reads;
  private final CustomerLocks locks;

  public MergeCustomers(Rehydration contexts, CommitChanges commits, ReadContext reads, CustomerLocks locks) {
    this.contexts = contexts;
    this.commits = commits;
    this.reads = reads;
    this.locks = locks;
  }

  /**
   * The survivor's merge commit, or empty when the duplicate was already folded into it. Both customers are held
   * for the whole merge, so opposite merges (A from B, B from A) run one after the other and the second finds its
   * survivor tombstoned: never both tombstoned.
   */
  public Uni<Optional<Commit>> merge(CustomerKey survivor, String from, Actor actor) {
    if (!CustomerKey.isCustomerId(from)) throw Refusal.invalid("from must be a customer id");
    if (from.equals(survivor.customerId())) throw Refusal.invalid("a customer cannot be merged into itself");
    CustomerKey duplicate = new CustomerKey(survivor.tenant(), from);
    return locks.holding(List.of(survivor, duplicate), () -> mergeHeld(survivor, duplicate, actor))
        .onFailure(CustomerLocks.Busy.class).transform(e -> new Refusal(Reason.UNAVAILABLE,
            "another merge of customer " + survivor.customerId() + " or " + from + " is running; retry"));
  }

  private Uni<Optional<Commit>> mergeHeld(CustomerKey survivor, CustomerKey duplicate, Actor actor) {
    String from = duplicate.customerId();
    return contexts.load(survivor).chain(s -> {
      String survivorInto = s.context().mergedInto();
      if (survivorInto != null) {
        throw Refusal.invalidState("customer " + survivor.customerId() + " was merged into " + survivorInto + "; merge into that one");
      }
      return contexts.load(duplicate);
    }).chain(loaded -> {
      CustomerContext dup = loaded.context();
      if (dup.version() == 0) throw Refusal.notFound("customer " + from + " has no committed change");
      if (dup.mergedInto() != null && !dup.mergedInto().equals(survivor.customerId())) {
        throw Refusal.invalidState("customer " + from + " was already merged into " + dup.mergedInto());
      }
      return refuseIfTooLarge(survivor, dup, actor)
          .chain(() -> tombstone(duplicate, survivor, actor))
          .chain(tomb -> commits.commitPlanned(survivor,
              ctx -> ctx.mergedFrom().contains(from) ? List.<Op>of() : List.<Op>of(MergeOps.CustomerMerge.of(tomb)), actor, null))
          .invoke(c -> c.ifPresent(x -> Log.infof("merged tenant=%s from=%s into=%s v=%d", survivor.tenant(), from, survivor.customerId(), x.lastVersion())));
    });
  }

  /**
   * The survivor's merge computed once without committing: a merge the limits refuse (too many items
   * together, a change or document over its bytes) is refused before the duplicate is tombstoned, not
   * between the two commits. The tombstone does not alter the items the merge carries.
   */
  private Uni<Void> refuseIfTooLarge(CustomerKey survivor, CustomerContext dup, Actor actor) {
    return contexts.load(survivor).invoke(loaded -> {
      if (!loaded.context().mergedFrom().contains(dup.customerId())) {
        commits.refuseIfRefused(loaded.context(), List.of(MergeOps.CustomerMerge.of(dup)), actor);
      }
    }).replaceWithVoid();
  }

  /** identity.link with "merge": true first merges the identity's current customer into this one. */
  public Uni<Void> mergeOwnersOfLinks(CustomerKey key, List<Op> ops, Actor actor) {
    List<ProfileOps.IdentityLink> merging = ops.stream().filter(o -> o instanceof ProfileOps.IdentityLink l && l.merge())
        .map(o -> (ProfileOps.IdentityLink) o).toList();
    if (merging.isEmpty()) return Uni.createFrom().voidItem();
    return Multi.createFrom().iterable(merging)
        .onItem().transformToUniAndConcatenate(link -> reads.resolve(key.tenant(), link.type(), link.value())
            .onFailure(Refusal.class).recoverWithItem((String) null)
            .chain(owner -> owner == null || owner.equals(key.customerId()) ? Uni.createFrom().voidItem()
                : merge(key, owner, actor).replaceWithVoid()))
        .collect().last().replaceWithVoid();
  }

  /** The duplicate as it was tombstoned (committing the tombstone unless it is there already). */
  private Uni<CustomerContext> tombstone(CustomerKey duplicate, CustomerKey survivor, Actor actor) {
    return commits.commitPlanned(duplicate,
            ctx -> ctx.mergedInto() == null ? List.<Op>of(new MergeOps.CustomerMerged(survivor.customerId())) : List.of(), actor, null)
        .chain(c -> c.isPresent() ? Uni.createFrom().item(c.get().after()) : contexts.load(duplicate).map(Loaded::context));
  }
}
