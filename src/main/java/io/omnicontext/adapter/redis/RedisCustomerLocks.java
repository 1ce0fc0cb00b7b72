package io.omnicontext.adapter.redis;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.CustomerLocks;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@link CustomerLocks}: one key per customer (in the customer's hash slot), taken with SET NX PX and a random token
 * in sorted order, given back with delete-if-still-ours. A hold that finds one taken lets go of what it has and asks
 * again, with back-off, for as long as the configured wait.
 */
@ApplicationScoped
public class RedisCustomerLocks implements CustomerLocks {
  private final ReactiveRedisDataSource redis;
  private final RedisScripts scripts;
  private final OmnicontextConfig config;

  public RedisCustomerLocks(ReactiveRedisDataSource redis, RedisScripts scripts, OmnicontextConfig config) {
    this.redis = redis;
    this.scripts = scripts;
    this.config = config;
  }

  @Override
  public <T> Uni<T> holding(List<CustomerKey> customers, Supplier<Uni<T>> work) {
    String token = UUID.randomUUID().toString();
    List<String> names = customers.stream().map(RedisKeys::lock).distinct().sorted().toList();
    return Uni.createFrom().deferred(() -> takeAll(names, token))
        .onFailure(Taken.class).retry().withBackOff(Duration.ofMillis(10), Duration.ofMillis(200)).expireIn(config.redis().lockWait().toMillis())
        .onFailure(Taken.class).transform(e -> new Busy())
        .chain(work::get)
        .onTermination().call(() -> releaseAll(names, token));
  }

  private Uni<Void> takeAll(List<String> names, String token) {
    String lease = Long.toString(config.redis().lockLease().toMillis());
    return Multi.createFrom().iterable(names)
        .onItem().transformToUniAndConcatenate(name -> redis.execute("SET", name, token, "NX", "PX", lease).map(ok -> {
          if (ok == null) throw new Taken();
          return name;
        }))
        .collect().last().replaceWithVoid()
        .onFailure(Taken.class).call(() -> releaseAll(names, token));
  }

  private Uni<Void> releaseAll(List<String> names, String token) {
    return Multi.createFrom().iterable(names)
        .onItem().transformToUniAndConcatenate(name -> scripts.run(RedisScripts.DELETE_IF, List.of(name), List.of(token)))
        .collect().last().replaceWithVoid()
        .onFailure().recoverWithNull(); // the lease lets go by itself
  }

  private static final class Taken extends RuntimeException {
    Taken() { super(null, null, false, false); }
  }
}
