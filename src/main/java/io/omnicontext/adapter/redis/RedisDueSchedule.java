package io.omnicontext.adapter.redis;

import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.DueSchedule;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link DueSchedule} as one zset scored by epoch milliseconds (one key: sharding it is the Cluster issue's work). */
@ApplicationScoped
public class RedisDueSchedule implements DueSchedule {
  private final ReactiveRedisDataSource redis;
  private final RedisScripts scripts;

  public RedisDueSchedule(ReactiveRedisDataSource redis, RedisScripts scripts) {
    this.redis = redis;
    this.scripts = scripts;
  }

  @Override
  public Uni<Void> schedule(CustomerKey key, Instant at) {
    return redis.execute("ZADD", RedisKeys.due(key), Long.toString(at.toEpochMilli()), RedisKeys.dueMember(key)).replaceWithVoid();
  }

  @Override
  public Uni<List<CustomerKey>> due(Instant now, int limit) {
    List<Uni<List<CustomerKey>>> perBucket = new ArrayList<>();
    for (int b = 0; b < RedisKeys.BUCKETS; b++) {
      perBucket.add(redis.execute("ZRANGEBYSCORE", RedisKeys.due(b), "-inf", Long.toString(now.toEpochMilli()), "LIMIT", "0", Integer.toString(limit))
          .map(r -> { List<CustomerKey> out = new ArrayList<>(); r.forEach(m -> out.add(RedisKeys.fromDueMember(m.toString()))); return out; }));
    }
    return Uni.join().all(perBucket).andFailFast()
        .map(lists -> lists.stream().flatMap(List::stream).limit(limit).toList());
  }

  @Override
  public Uni<Void> clear(CustomerKey key, Instant now) {
    return scripts.run(RedisScripts.ZREM_IF, List.of(RedisKeys.due(key)), List.of(RedisKeys.dueMember(key), Long.toString(now.toEpochMilli())))
        .replaceWithVoid();
  }
}
