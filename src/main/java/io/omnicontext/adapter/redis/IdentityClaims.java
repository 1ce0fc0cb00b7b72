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
 * fails for sure (another writer won, Redis restarted) gives its claims back; one whose outcome is unknown (a timeout)
 * leaves them pending. A claim whose writer died before confirming expires after {@link #PENDING} (by Redis' clock)
 * and the identity goes back to its previous holder. The journal relay confirms the claims of every commit in the
 * outbox again, whether PostgreSQL answers or not, well within that time, so a committed link cannot lose its claim
 * to a writer's death. An identity key Redis lost (a failover, a wipe) is not taken as free: the claim goes by the
 * journal's holder (PostgreSQL, which also refuses to move an identity except by merge).
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
   * order; answers the keys it newly claimed. {@code journalHolders} has, per key, the journal's holder ("" for none)
   * or null when the journal was not asked: a missing key may be a lost one, so it is claimed only against the
   * journal's answer. When one is taken, the ones claimed so far are given back and the commit is refused with
   * IDENTITY_TAKEN naming the holder; when some keys are missing and the journal was not asked about them, the claims
   * are given back and the call fails with {@link Unchecked} naming them.
   */
  Uni<List<String>> claim(List<String> keys, String owner, String adoptFrom, List<String> journalHolders) {
    return claimFrom(0, keys, owner, adoptFrom == null ? "" : adoptFrom, journalHolders, new ArrayList<>(), new ArrayList<>());
  }

  private Uni<List<String>> claimFrom(int i, List<String> keys, String owner, String adoptFrom, List<String> journalHolders,
      List<String> claimed, List<Integer> unchecked) {
    if (i == keys.size()) {
      if (unchecked.isEmpty()) return Uni.createFrom().item(claimed);
      return giveBack(claimed, owner).chain(() -> Uni.createFrom().failure(new Unchecked(unchecked)));
    }
    String journal = journalHolders.get(i) == null ? "?" : journalHolders.get(i);
    return scripts.run(RedisScripts.IDENTITY_CLAIM, List.of(keys.get(i)), List.of(owner, adoptFrom, journal, Long.toString(PENDING.toMillis())))
        .chain(r -> {
          if (r.type() == io.vertx.redis.client.ResponseType.MULTI && "ask".equals(r.get(0).toString())) {
            unchecked.add(i);
          } else if (r.type() == io.vertx.redis.client.ResponseType.MULTI) { // {'taken', holder}
            String holder = r.get(1).toString();
            return giveBack(claimed, owner).chain(() -> Uni.createFrom().<List<String>>failure(taken(i, holder)));
          } else if ("claimed".equals(r.toString())) {
            claimed.add(keys.get(i));
          }
          return claimFrom(i + 1, keys, owner, adoptFrom, journalHolders, claimed, unchecked);
        });
  }

  private Uni<Void> giveBack(List<String> claimed, String owner) { return settle(claimed, owner, Settle.RELEASE).onFailure().recoverWithNull(); }

  /** Keys that are missing in Redis and were not checked against the journal (their indexes in the claimed list). */
  static final class Unchecked extends RuntimeException {
    final List<Integer> indexes;

    Unchecked(List<Integer> indexes) {
      super("identity keys " + indexes + " are missing: ask the journal", null, false, false);
      this.indexes = List.copyOf(indexes);
    }
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
