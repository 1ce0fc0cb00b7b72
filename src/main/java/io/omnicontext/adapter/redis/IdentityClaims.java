package io.omnicontext.adapter.redis;

import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Identities stay unique per tenant although each identity key lives in a slot of its own, away from its customer.
 * Guarantee: no two customers ever hold one identity. A commit that links identities claims each first (a pending
 * claim, see identity-claim.lua), then commits in its customer's slot, then confirms the claims; a commit that
 * fails gives its claims back, and a claim whose writer died before confirming expires after {@link #PENDING} and
 * the identity goes back to its previous holder. The journal relay confirms the claims of every commit in the
 * outbox again, well within that time, so a committed link cannot lose its claim to a writer's death.
 */
@ApplicationScoped
public class IdentityClaims {
  /** How long a claim waits for its commit: far longer than a commit takes, far shorter than a person waits. */
  static final Duration PENDING = Duration.ofSeconds(60);

  enum Settle { CONFIRM, RELEASE }

  private final RedisScripts scripts;
  private final io.quarkus.redis.datasource.ReactiveRedisDataSource redis;

  public IdentityClaims(RedisScripts scripts, io.quarkus.redis.datasource.ReactiveRedisDataSource redis) {
    this.scripts = scripts;
    this.redis = redis;
  }

  /**
   * Claims every key for {@code owner} (taking over from {@code adoptFrom}, a merge's duplicate, when not null), in
   * order; answers the keys it newly claimed. When one is taken, the ones claimed so far are given back and the
   * commit is refused with IDENTITY_TAKEN naming the holder.
   */
  Uni<List<String>> claim(List<String> keys, String owner, String adoptFrom) {
    return claimFrom(0, keys, owner, adoptFrom == null ? "" : adoptFrom, new ArrayList<>());
  }

  private Uni<List<String>> claimFrom(int i, List<String> keys, String owner, String adoptFrom, List<String> claimed) {
    if (i == keys.size()) return Uni.createFrom().item(claimed);
    String now = Long.toString(System.currentTimeMillis());
    return scripts.run(RedisScripts.IDENTITY_CLAIM, List.of(keys.get(i)), List.of(owner, adoptFrom, now, Long.toString(PENDING.toMillis())))
        .chain(r -> {
          if (r.type() == io.vertx.redis.client.ResponseType.MULTI) { // {'taken', holder}
            String holder = r.get(1).toString();
            return settle(claimed, owner, Settle.RELEASE).onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().<List<String>>failure(taken(i, holder)));
          }
          if ("claimed".equals(r.toString())) claimed.add(keys.get(i));
          return claimFrom(i + 1, keys, owner, adoptFrom, claimed);
        });
  }

  /** The refusal names the holder; which identity it was is filled in by the caller that knows them. */
  static final class Taken extends RuntimeException {
    final int index;
    final String holder;

    Taken(int index, String holder) {
      super("identity " + index + " is held by " + holder, null, false, false);
      this.index = index;
      this.holder = holder;
    }
  }

  private static Taken taken(int index, String holder) { return new Taken(index, holder); }

  /** Confirms (the commit happened) or gives back (it did not) the owner's claims; each key on its own, idempotent. */
  Uni<Void> settle(List<String> keys, String owner, Settle how) {
    Uni<Void> all = Uni.createFrom().voidItem();
    for (String k : keys) {
      all = all.chain(() -> scripts.run(RedisScripts.IDENTITY_SETTLE, List.of(k), List.of(owner, how.name().toLowerCase())).replaceWithVoid());
    }
    return all;
  }

  /** Erasure: the owner's identity keys go (a key another customer claimed meanwhile stays). */
  Uni<Void> erase(List<String> keys, String owner) {
    Uni<Void> all = Uni.createFrom().voidItem();
    for (String k : keys) {
      all = all.chain(() -> settle(List.of(k), owner, Settle.RELEASE))
          .chain(() -> scripts.run(RedisScripts.DELETE_IF, List.of(k), List.of(owner)).replaceWithVoid());
    }
    return all;
  }

  /** Who holds the identity: a pending claim is not a holder yet (its commit may fail), its previous holder still is. */
  Uni<Optional<String>> holder(String key) {
    return redis.execute("GET", key).map(r -> {
      if (r == null) return Optional.<String>empty();
      String v = r.toString();
      if (!v.startsWith("~")) return Optional.of(v);
      String previous = v.substring(v.lastIndexOf('~') + 1);
      return previous.isEmpty() ? Optional.<String>empty() : Optional.of(previous);
    });
  }

  /** The refusal for a taken identity, as the contract words it. */
  static Refusal refusal(String type, String value, String holder) {
    return new Refusal(Reason.IDENTITY_TAKEN, "the " + type + " " + value + " is already linked to customer " + holder
        + "; link it with \"merge\": true to merge that customer into this one", Map.of("customerId", holder));
  }
}
