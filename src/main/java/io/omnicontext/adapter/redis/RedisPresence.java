package io.omnicontext.adapter.redis;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.Presence;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link Presence} as one zset of leases scored by the epoch millisecond they run out. */
@ApplicationScoped
public class RedisPresence implements Presence {
  private final ReactiveRedisDataSource redis;
  private final RedisScripts scripts;
  private final RedisContextStore codec;

  public RedisPresence(ReactiveRedisDataSource redis, RedisScripts scripts, RedisContextStore codec) {
    this.redis = redis;
    this.scripts = scripts;
    this.codec = codec;
  }

  /** A lease as stored: every field it takes to end the engagement on any node. */
  record Stored(String tenant, String customerId, String engagementId, String sub, String channel) {}

  @Override
  public Uni<Void> hold(List<Lease> leases, Instant until) {
    if (leases.isEmpty()) return Uni.createFrom().voidItem();
    String score = Long.toString(until.toEpochMilli());
    java.util.Map<String, List<String>> byBucket = new java.util.HashMap<>();
    for (Lease l : leases) {
      List<String> args = byBucket.computeIfAbsent(RedisKeys.leases(l.key()), k -> new ArrayList<>(List.of(k)));
      args.add(score);
      args.add(member(l));
    }
    return Uni.join().all(byBucket.values().stream().map(args -> redis.execute("ZADD", args.toArray(String[]::new))).toList())
        .andFailFast().replaceWithVoid();
  }

  @Override
  public Uni<Void> release(Lease lease) { return redis.execute("ZREM", RedisKeys.leases(lease.key()), member(lease)).replaceWithVoid(); }

  @Override
  public Uni<List<Lease>> expired(Instant now, int limit) {
    List<Uni<List<Lease>>> perBucket = new ArrayList<>();
    for (int b = 0; b < RedisKeys.BUCKETS; b++) {
      perBucket.add(redis.execute("ZRANGEBYSCORE", RedisKeys.leases(b), "-inf", Long.toString(now.toEpochMilli()), "LIMIT", "0", Integer.toString(limit))
          .map(r -> {
            List<Lease> out = new ArrayList<>();
            r.forEach(m -> {
              Stored s = codec.read(m.toString(), Stored.class);
              out.add(new Lease(new CustomerKey(s.tenant(), s.customerId()), s.engagementId(), new Actor(s.sub(), s.channel())));
            });
            return out;
          }));
    }
    return Uni.join().all(perBucket).andFailFast().map(lists -> lists.stream().flatMap(List::stream).limit(limit).toList());
  }

  @Override
  public Uni<Void> clear(Lease lease, Instant now) {
    return scripts.run(RedisScripts.ZREM_IF, List.of(RedisKeys.leases(lease.key())), List.of(member(lease), Long.toString(now.toEpochMilli()))).replaceWithVoid();
  }

  private String member(Lease l) {
    return codec.write(new Stored(l.key().tenant(), l.key().customerId(), l.engagementId(), l.actor().sub(), l.actor().channel()));
  }
}
