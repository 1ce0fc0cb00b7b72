package io.omnicontext.adapter.redis;

import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.port.ChangeFeed;
import io.omnicontext.port.Topic;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@link ChangeFeed} on Redis pub/sub. Each node follows a channel once, whatever the number of its local
 * sessions. Standalone: on one {@link PubSubShard} connection; in sharded mode (SSUBSCRIBE) the same code
 * follows `smessage`s. Cluster (`quarkus.redis.client-type=cluster`): sharded, on one connection per master
 * that serves a followed channel's slot ({@link ClusterFeed}), following slot moves and failovers. A follow
 * that arrives while its connection is (re)established waits for it, bounded by `omnicontext.redis.feed-wait`,
 * and fails with {@link ChangeFeed.Down} only when Redis stays away.
 */
@ApplicationScoped
public class RedisChangeFeed implements ChangeFeed, PubSubShard.Listener, ClusterFeed.Events {
  private final Vertx vertx;
  private final RedisTopology topology;
  private final OmnicontextConfig config;
  private final Map<String, Topic> followed = new ConcurrentHashMap<>();
  private final AtomicLong reconnects = new AtomicLong();
  private volatile PubSubShard shard;
  private volatile ClusterFeed cluster;
  private volatile boolean everConnected;
  private volatile boolean downLogged;
  private volatile BiConsumer<Topic, String> listener = (t, p) -> {};
  private volatile Consumer<Topic> gap = t -> {};

  private final LiveMetrics metrics;

  public RedisChangeFeed(Vertx vertx, RedisTopology topology, OmnicontextConfig config, LiveMetrics metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.topology = topology;
    this.config = config;
  }

  void start(@Observes StartupEvent e) {
    if (topology.cluster()) {
      cluster = new ClusterFeed(vertx, topology.hosts(), config.redis().feedReconnect(), this);
      return;
    }
    PubSubShard.Flavour flavour = topology.shardedPubSub() ? PubSubShard.Flavour.SHARDED : PubSubShard.Flavour.CLASSIC;
    shard = new PubSubShard(vertx, topology.hosts().get(0), flavour, config.redis().feedReconnect(), this);
  }

  /**
   * The pub/sub connections' watchdogs, one job for all of them (idle probe, silence drop: {@link PubSubShard}).
   * Returning a Uni puts it on the event loop, as the connections' own callbacks are; it does not block.
   */
  @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> watchShards() {
    return Uni.createFrom().item(() -> {
      PubSubShard s = shard;
      ClusterFeed c = cluster;
      if (s != null) s.watch();
      if (c != null) c.watch();
      return null;
    });
  }

  void stop(@Observes ShutdownEvent e) {
    if (shard != null) shard.stop();
    if (cluster != null) cluster.stop();
  }

  @Override public void onMessage(BiConsumer<Topic, String> l) { listener = l; }

  @Override public void onGap(Consumer<Topic> g) { gap = g; }

  @Override
  public boolean connected() {
    if (cluster != null) return cluster.connected();
    return shard != null && shard.connected();
  }

  @Override public long reconnects() { return reconnects.get(); }

  @Override
  public Uni<Void> follow(Topic topic) {
    String channel = RedisKeys.channel(topic);
    followed.put(channel, topic);
    Uni<Void> confirmed = cluster != null ? Uni.createFrom().completionStage(cluster.follow(channel)) : shard.follow(channel);
    return confirmed.ifNoItem().after(config.redis().feedWait()).failWith(ChangeFeed.Down::new);
  }

  @Override
  public Uni<Void> unfollow(Topic topic) {
    String channel = RedisKeys.channel(topic);
    followed.remove(channel);
    if (cluster != null) cluster.unfollow(channel);
    else shard.unfollow(channel);
    return Uni.createFrom().voidItem();
  }

  @Override
  public void message(String channel, String payload) {
    Topic topic = followed.get(channel);
    if (topic != null) listener.accept(topic, payload);
  }

  // --- cluster mode

  @Override
  public void gap(String channel) {
    Topic topic = followed.get(channel);
    if (topic != null) gap.accept(topic);
  }

  @Override
  public void shardLost(String master, String why) {
    reconnects.incrementAndGet();
    metrics.feedReconnected();
    metrics.storeError(LiveMetrics.Store.REDIS);
  }

  // --- standalone mode

  @Override
  public void resumed(PubSubShard s) {
    if (everConnected) Log.infof("change feed: connected to Redis again (%s), %d channels followed; filling gaps", s.endpoint(), s.channelCount());
    else Log.infof("change feed: connected to %s", s.endpoint());
    boolean again = everConnected;
    everConnected = true;
    downLogged = false;
    if (again) followed.values().forEach(gap);
  }

  @Override
  public void lost(PubSubShard s, String why) {
    if (everConnected && !downLogged) {
      reconnects.incrementAndGet();
      metrics.feedReconnected();
      metrics.storeError(LiveMetrics.Store.REDIS);
      Log.errorf("change feed: lost the Redis pub/sub connection to %s (%s); reconnecting every %s", s.endpoint(), why,
          config.redis().feedReconnect());
    } else if (!downLogged) {
      Log.errorf("change feed: Redis unreachable at %s (%s); retrying every %s", s.endpoint(), why, config.redis().feedReconnect());
    }
    downLogged = true;
  }

  /** A standalone server never moves a channel: one it refused or dropped is followed again, with a gap fill. */
  @Override
  public void evicted(PubSubShard s, List<String> channels, String why) {
    Log.warnf("change feed: %s dropped %d channel(s) (%s); following them again", s.endpoint(), channels.size(), why);
    vertx.setTimer(Math.max(50, config.redis().feedReconnect().toMillis()), id -> channels.forEach(channel -> {
      Topic topic = followed.get(channel);
      if (topic == null) return;
      s.follow(channel).subscribe().with(ok -> gap.accept(topic), err -> {});
    }));
  }
}
