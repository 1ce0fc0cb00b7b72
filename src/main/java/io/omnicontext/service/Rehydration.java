package io.omnicontext.service;

import io.omnicontext.config.LogSafe;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.ContextRules;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.OpParser;
import io.omnicontext.domain.Refusal;
import io.omnicontext.domain.TimeRules;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.DueSchedule;
import io.omnicontext.port.ContextStore;
import io.omnicontext.port.ContextStore.Loaded;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Loads a context that Redis may have lost: a customer missing from Redis, or one not checked since
 * Redis restarted (AOF everysec may have lost its last second), is compared with the journal; when
 * the journal is ahead, the context is rebuilt from the latest snapshot plus the later journal rows
 * (each replayed through the same pure rules) and seeded once, however many requests race for it.
 * So the next change gets the next version, never one already used.
 */
@ApplicationScoped
public class Rehydration {
  private static final int RACES = 8;

  private final ContextStore store;
  private final ChangeJournal journal;
  private final DueSchedule due;
  private final java.time.Clock clock;

  public Rehydration(ContextStore store, ChangeJournal journal, DueSchedule due, java.time.Clock clock) {
    this.clock = clock;
    this.store = store;
    this.journal = journal;
    this.due = due;
  }

  /** The context, checked against the journal since this Redis started. */
  public Uni<Loaded> load(CustomerKey key) {
    return Uni.createFrom().deferred(() -> store.load(key))
        .chain(loaded -> loaded.verified() ? Uni.createFrom().item(loaded) : check(key, loaded))
        .onFailure(Again.class).retry().atMost(RACES);
  }

  /** Compares with the journal; seeds (or marks) and asks for a fresh load, unless neither knows the customer. */
  private Uni<Loaded> check(CustomerKey key, Loaded loaded) {
    return journal.head(key).chain(head -> {
      long seen = loaded.context().version();
      if (head.version() <= seen) {
        if (seen == 0) return Uni.createFrom().item(new Loaded(loaded.context(), true, loaded.runId())); // a new customer
        return store.seed(key, seen, loaded.runId(), null, List.of()).chain(ok -> Uni.createFrom().failure(new Again()));
      }
      CustomerContext rebuilt = rebuild(key, head);
      return store.seed(key, seen, loaded.runId(), rebuilt, head.later())
          .invoke(seeded -> { if (seeded) Log.infof("rehydrated tenant=%s customer=%s redis=v%d journal=v%d", key.tenant(), key.customerId(), seen, rebuilt.version()); })
          .call(() -> TimeRules.nextDue(rebuilt, clock.instant()).map(at -> due.schedule(key, at)).orElse(Uni.createFrom().voidItem())) // Redis lost the schedule too
          .chain(ok -> Uni.createFrom().failure(new Again()));
    });
  }

  /**
   * Snapshot plus every later journaled change, replayed in order. The version line matters most: a
   * hole in the journal (commits lost with Redis before they were journaled) or a change the rules
   * no longer accept is logged and stepped over, and the rebuilt context still ends at the journal's
   * last version, so no version is ever handed out twice.
   */
  CustomerContext rebuild(CustomerKey key, ChangeJournal.Head head) {
    CustomerContext ctx = head.snapshot().orElse(CustomerContext.empty(key.customerId()));
    for (Change c : head.later()) {
      if (c.version() != ctx.version() + 1) {
        Log.errorf("journal hole tenant=%s customer=%s: v%d..v%d are lost", key.tenant(), key.customerId(), ctx.version() + 1, c.version() - 1);
      }
      try {
        ctx = ContextRules.commit(ctx, List.of(OpParser.replay(c.op(), c.data())), c.actor(), c.at()).after();
      } catch (Refusal r) {
        Log.errorf("journaled v%d of tenant=%s customer=%s does not replay (%s); stepped over", c.version(), key.tenant(), key.customerId(), r.reason());
      }
      ctx = ctx.withVersion(c.version());
    }
    return ctx;
  }

  /** Loaded again after seeding (or after another node did). */
  private static final class Again extends RuntimeException {
    Again() { super(null, null, false, false); }
  }
}
