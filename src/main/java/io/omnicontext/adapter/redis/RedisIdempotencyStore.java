package io.omnicontext.adapter.redis;

import io.omnicontext.config.JsonCodec;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.IdempotencyStore;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * {@link IdempotencyStore}: a claim is SET NX with a lease; the answer replaces it (see commit.lua for successes). Every
 * record is noted in its customer's index (same slot), so erasure finds them all on a cluster too.
 */
@ApplicationScoped
public class RedisIdempotencyStore implements IdempotencyStore {
  private final ReactiveRedisDataSource redis;
  private final RedisScripts scripts;
  private final JsonCodec codec;
  private final OmnicontextConfig config;

  public RedisIdempotencyStore(ReactiveRedisDataSource redis, RedisScripts scripts, JsonCodec codec, OmnicontextConfig config) {
    this.redis = redis;
    this.scripts = scripts;
    this.codec = codec;
    this.config = config;
  }

  @Override
  public Uni<Claim> claim(CustomerKey key, String idempotencyKey, String fingerprint) {
    String k = RedisKeys.idempotency(key, idempotencyKey);
    return put(key, k, pending(fingerprint), true, config.redis().idempotencyLease())
        .chain(ok -> ok ? Uni.createFrom().<Claim>item(new Claim.Owner()) : redis.execute("GET", k).map(r -> {
          if (r == null) return new Claim.Pending(); // the lease just ran out: the caller asks again
          StoredAnswer a = codec.read(r.toString(), StoredAnswer.class);
          if (!a.fp().equals(fingerprint)) return new Claim.OtherBody();
          return "done".equals(a.state()) ? new Claim.Answered(a.status(), a.body(), a.customerBody()) : new Claim.Pending();
        }));
  }

  @Override
  public Uni<Void> store(CustomerKey key, Record record) {
    String k = RedisKeys.idempotency(key, record.idempotencyKey());
    String value = codec.write(StoredAnswer.done(record));
    return put(key, k, value, false, config.redis().idempotencyTtl()).replaceWithVoid();
  }

  /** SET (NX: only when absent) with the record noted in the customer's index, which erasure reads. */
  private Uni<Boolean> put(CustomerKey key, String recordKey, String value, boolean onlyIfAbsent, java.time.Duration ttl) {
    return scripts.run(RedisScripts.IDEM_PUT, List.of(recordKey, RedisKeys.idempotencyIndex(key)),
        List.of(value, onlyIfAbsent ? "NX" : "", Long.toString(ttl.toMillis()))).map(r -> r.toInteger() == 1);
  }

  @Override
  public Uni<Void> release(CustomerKey key, String idempotencyKey, String fingerprint) {
    return scripts.run(RedisScripts.DELETE_IF, List.of(RedisKeys.idempotency(key, idempotencyKey)), List.of(pending(fingerprint)))
        .replaceWithVoid();
  }

  private String pending(String fingerprint) { return codec.write(StoredAnswer.pending(fingerprint)); }
}
