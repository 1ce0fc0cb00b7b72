package io.omnicontext.adapter.redis;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.port.BucketLeases;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link BucketLeases} in Redis with single-key commands only (Redis Cluster safe): a heartbeat in the
 * {@link RedisKeys#NODES} zset (a script scoring by Redis' clock, pruning nodes silent for a ttl), one lease key per
 * bucket ({@link RedisKeys#bucketOwner(int)}, in the bucket's slot) claimed with SET NX PX, renewed by a
 * compare-and-renew script and given up by a compare-and-delete one. The decisions are {@link FairShare}'s.
 */
@ApplicationScoped
public class RedisBucketLeases implements BucketLeases {
  private final ReactiveRedisDataSource redis;
  private final RedisScripts scripts;
  private final long ttlMillis;
  private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
  /** Held buckets and the System.nanoTime() until which this node may count on each (its last renewal + ttl). */
  private final Map<Integer, Long> held = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  public RedisBucketLeases(ReactiveRedisDataSource redis, RedisScripts scripts, OmnicontextConfig config) {
    this.redis = redis;
    this.scripts = scripts;
    this.ttlMillis = config.buckets().lease().toMillis();
    // renewed every second: a shorter lease would run out between two renewals on a busy node
    if (ttlMillis < 2000) throw new IllegalArgumentException("omnicontext.buckets.lease must be at least 2s, not " + config.buckets().lease());
  }

  @Override
  public int buckets() { return RedisKeys.BUCKETS; }

  @Override
  public String node() { return node; }

  @Override
  public Set<Integer> owned() {
    long now = System.nanoTime();
    Set<Integer> out = new TreeSet<>();
    held.forEach((bucket, until) -> { if (until - now > 0) out.add(bucket); });
    return out;
  }

  @Override
  public Uni<Set<Integer>> step() {
    if (stopped) return Uni.createFrom().item(Set.of());
    long sent = System.nanoTime(); // a lease renewed now lasts ttl from no earlier than this
    return heartbeat()
        .call(() -> renew(sent))
        .chain(live -> rebalance(live, sent));
  }

  /** Records this node alive; answers how many nodes are. */
  private Uni<Long> heartbeat() {
    return scripts.run(RedisScripts.HEARTBEAT, List.of(RedisKeys.NODES), List.of(node, Long.toString(ttlMillis))).map(r -> r.toLong());
  }

  /** Renews every held lease; one that ran out meanwhile (another node may hold it now, or Redis lost it) is dropped. */
  private Uni<Void> renew(long sent) {
    Set<Integer> lost = ConcurrentHashMap.newKeySet();
    List<Uni<Void>> renewals = new ArrayList<>();
    for (int bucket : List.copyOf(held.keySet())) {
      renewals.add(scripts.run(RedisScripts.BUCKET_RENEW, List.of(RedisKeys.bucketOwner(bucket)), List.of(node, Long.toString(ttlMillis)))
          .invoke(r -> {
            if (r.toLong() == 1) held.put(bucket, sent + ttlMillis * 1_000_000);
            else if (held.remove(bucket) != null) lost.add(bucket);
          }).replaceWithVoid());
    }
    return all(renewals).invoke(() -> {
      if (!lost.isEmpty()) Log.infof("buckets: leases lost node=%s buckets=%s holds=%d", node, new TreeSet<>(lost), held.size());
    });
  }

  private Uni<Set<Integer>> rebalance(long live, long sent) {
    if (stopped) return Uni.createFrom().item(Set.of()); // releaseAll() ran meanwhile
    if (!FairShare.wantsMore(RedisKeys.BUCKETS, live, held.size())) {
      FairShare.Plan plan = FairShare.plan(node, RedisKeys.BUCKETS, live, Set.copyOf(held.keySet()), List.of());
      return release(plan.release()).replaceWith(Set.of());
    }
    return free().chain(free -> claim(FairShare.plan(node, RedisKeys.BUCKETS, live, Set.copyOf(held.keySet()), free).claim(), sent));
  }

  /** The buckets nobody holds (one GET per bucket this node does not hold: single keys, any slot). */
  private Uni<List<Integer>> free() {
    List<Integer> free = Collections.synchronizedList(new ArrayList<>());
    List<Uni<Void>> reads = new ArrayList<>();
    for (int b = 0; b < RedisKeys.BUCKETS; b++) {
      if (held.containsKey(b)) continue;
      int bucket = b;
      reads.add(redis.execute("GET", RedisKeys.bucketOwner(bucket)).invoke(r -> { if (r == null) free.add(bucket); }).replaceWithVoid());
    }
    return all(reads).map(x -> List.copyOf(free));
  }

  private Uni<Set<Integer>> claim(List<Integer> buckets, long sent) {
    Set<Integer> claimed = ConcurrentHashMap.newKeySet();
    List<Uni<Void>> claims = new ArrayList<>();
    for (int bucket : buckets) {
      claims.add(redis.execute("SET", RedisKeys.bucketOwner(bucket), node, "NX", "PX", Long.toString(ttlMillis)).invoke(ok -> {
        if (ok == null) return; // another node was quicker
        held.put(bucket, sent + ttlMillis * 1_000_000);
        claimed.add(bucket);
      }).replaceWithVoid());
    }
    return all(claims).map(x -> {
      if (!claimed.isEmpty()) Log.infof("buckets: claimed node=%s buckets=%d holds=%d", node, claimed.size(), held.size());
      return Set.copyOf(claimed);
    });
  }

  /** Stops working the buckets at once, then gives up their leases (only while still this node's). */
  private Uni<Void> release(Collection<Integer> buckets) {
    if (buckets.isEmpty()) return Uni.createFrom().voidItem();
    List<Uni<Void>> releases = new ArrayList<>();
    for (int bucket : buckets) {
      held.remove(bucket);
      releases.add(scripts.run(RedisScripts.DELETE_IF, List.of(RedisKeys.bucketOwner(bucket)), List.of(node)).replaceWithVoid());
    }
    Log.infof("buckets: released node=%s buckets=%d holds=%d", node, buckets.size(), held.size());
    return all(releases);
  }

  @Override
  public Uni<Void> releaseAll() {
    stopped = true;
    return release(List.copyOf(held.keySet()))
        .chain(() -> redis.execute("ZREM", RedisKeys.NODES, node))
        .replaceWithVoid();
  }

  private static Uni<Void> all(List<Uni<Void>> unis) {
    return unis.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(unis).andFailFast().replaceWithVoid();
  }
}
