package io.omnicontext.service;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.ContextRules;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Op;
import io.omnicontext.port.ContextStore;
import io.omnicontext.port.DueSchedule;
import io.omnicontext.port.IdempotencyStore;
import io.omnicontext.port.Presence;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** In-memory stand-ins for the ports the time-driven services use, so their tests run on a stepped clock. */
final class TimeFakes {
  private TimeFakes() {}

  /** Customers' contexts in memory; commits apply the planned ops at the clock's time (no Redis, no journal). */
  static final class Commits extends CommitChanges {
    final Map<CustomerKey, CustomerContext> contexts = new ConcurrentHashMap<>();
    final List<String> committedOps = new ArrayList<>();
    private final Clock clock;

    Commits(Clock clock) {
      super(null, null, null, null, null, null, null, null, clock, null);
      this.clock = clock;
    }

    @Override
    public Uni<Optional<Commit>> commitPlanned(CustomerKey key, Function<CustomerContext, List<Op>> plan, Actor actor,
        Function<Commit, IdempotencyStore.Record> answered) {
      CustomerContext current = contexts.computeIfAbsent(key, k -> CustomerContext.empty(k.customerId()));
      List<Op> ops = plan.apply(current);
      if (ops.isEmpty()) return Uni.createFrom().item(Optional.empty());
      Commit c = ContextRules.commit(current, ops, actor, clock.instant());
      contexts.put(key, c.after());
      ops.forEach(op -> committedOps.add(op.name()));
      return Uni.createFrom().item(Optional.of(c));
    }

    /** The store view of the same contexts (the sweeper reloads after a commit that found nothing due). */
    ContextStore store() {
      return (ContextStore) java.lang.reflect.Proxy.newProxyInstance(ContextStore.class.getClassLoader(), new Class<?>[] {ContextStore.class},
          (proxy, method, args) -> {
            if (!method.getName().equals("load")) throw new UnsupportedOperationException(method.getName());
            CustomerKey key = (CustomerKey) args[0];
            return Uni.createFrom().item(new ContextStore.Loaded(contexts.getOrDefault(key, CustomerContext.empty(key.customerId())), true, "run"));
          });
    }
  }

  /** Due times by customer; due(...) answers those at or before now, whatever the buckets. */
  static final class Due implements DueSchedule {
    final Map<CustomerKey, Instant> at = new ConcurrentHashMap<>();

    @Override public Uni<Void> schedule(CustomerKey key, Instant when) { at.put(key, when); return Uni.createFrom().voidItem(); }

    @Override
    public Uni<List<CustomerKey>> due(Set<Integer> buckets, Instant now, int limit) {
      return Uni.createFrom().item(at.entrySet().stream().filter(e -> !e.getValue().isAfter(now)).map(Map.Entry::getKey).limit(limit).toList());
    }

    @Override
    public Uni<Void> clear(CustomerKey key, Instant now) {
      at.computeIfPresent(key, (k, when) -> when.isAfter(now) ? when : null);
      return Uni.createFrom().voidItem();
    }
  }

  /** Engagement leases by lease; expired(...) answers those whose time ran out before now. */
  static final class Leases implements Presence {
    final Map<Lease, Instant> until = new ConcurrentHashMap<>();

    @Override
    public Uni<Void> hold(List<Lease> leases, Instant to) {
      leases.forEach(l -> until.put(l, to));
      return Uni.createFrom().voidItem();
    }

    @Override public Uni<Void> release(Lease lease) { until.remove(lease); return Uni.createFrom().voidItem(); }

    @Override
    public Uni<List<Lease>> expired(Set<Integer> buckets, Instant now, int limit) {
      return Uni.createFrom().item(until.entrySet().stream().filter(e -> e.getValue().isBefore(now)).map(Map.Entry::getKey).limit(limit).toList());
    }

    @Override
    public Uni<Void> clear(Lease lease, Instant now) {
      until.computeIfPresent(lease, (l, to) -> to.isBefore(now) ? null : to);
      return Uni.createFrom().voidItem();
    }
  }

  /** A config mapping that answers only the given paths ("sweep.batch"), each group a proxy of its own. */
  @SuppressWarnings("unchecked")
  static <T> T config(Class<T> type, Map<String, Object> answers) { return (T) group(type, "", answers); }

  private static Object group(Class<?> type, String prefix, Map<String, Object> answers) {
    return java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      String path = prefix + method.getName();
      if (answers.containsKey(path)) return answers.get(path);
      if (method.getReturnType().isInterface() && answers.keySet().stream().anyMatch(p -> p.startsWith(path + "."))) {
        return group(method.getReturnType(), path + ".", answers);
      }
      throw new UnsupportedOperationException("no test answer for " + path);
    });
  }
}
