package io.omnicontext.adapter.redis;

import io.omnicontext.port.ChangeFeed;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The change feed on a Redis Cluster: sharded pub/sub, so each channel is followed on the master that
 * serves its slot, one {@link PubSubShard} connection per such master, each channel once.
 *
 * <p>The slot map comes from CLUSTER SLOTS, asked of the seeds and the masters known so far, one after
 * the other, until one answers. It is read again whenever the cluster may have changed: a shard's
 * connection dropped, the server unsubscribed channels by itself (their slot moved), or a subscribe was
 * refused (MOVED, ASK, CLUSTERDOWN). While anything is unsettled (a channel without a reachable master, a
 * shard not connected) it is read again with a back-off from {@link #FIRST_RETRY} up to {@link #LAST_RETRY}.
 * Channels whose master changed are followed on the new one, and each channel that may have lost messages
 * (re-followed elsewhere, or its shard reconnected) is reported as a gap, to be filled from the log.
 *
 * <p>Everything here runs on Vert.x event loops and never blocks; the state is guarded by this object,
 * which is never held while calling into a shard's callbacks' owner.
 */
final class ClusterFeed implements PubSubShard.Listener {
  static final Duration FIRST_RETRY = Duration.ofMillis(100);
  static final Duration LAST_RETRY = Duration.ofSeconds(2);
  /** How long one node may take to answer CLUSTER SLOTS (connecting included) before the next is asked. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  /** What the feed tells its owner. */
  interface Events {
    void message(String channel, String payload);

    /** Messages on this followed channel may have been lost: its subscriptions fill the gap from the log. */
    void gap(String channel);

    /** A shard's connection was lost (reported once per outage of that shard). */
    void shardLost(String master, String why);
  }

  /** A followed channel and where it is followed. */
  private static final class Route {
    /** Key of the master it is followed on (or being followed on); null: nowhere now. */
    String on;
    /** Which placement is current: a confirmation of an earlier one is ignored. */
    long placement;
    boolean confirmedOnce;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
  }

  /** One follow to send once the lock is released. */
  private record Placement(String channel, Route route, long placement, String master, PubSubShard shard) {}

  private final Vertx vertx;
  private final List<String> seeds;
  private final Duration reconnectDelay;
  private final Events events;
  private final Map<String, Route> routes = new HashMap<>();
  private final Map<String, PubSubShard> shards = new HashMap<>();
  private final Set<PubSubShard> everLive = new HashSet<>();
  private final Set<PubSubShard> down = new HashSet<>();
  private SlotMap map;
  private boolean topologyRead;
  private boolean unreadableLogged;
  private boolean refreshing;
  private boolean refreshAgain;
  private int retries;
  private long retryTimer = -1;
  private boolean stopped;

  ClusterFeed(Vertx vertx, List<String> seeds, Duration reconnectDelay, Events events) {
    if (seeds.isEmpty()) throw new IllegalArgumentException("no cluster seed in quarkus.redis.hosts");
    this.vertx = vertx;
    this.seeds = List.copyOf(seeds);
    this.reconnectDelay = reconnectDelay;
    this.events = events;
    refresh();
  }

  /** Completes once the channel's master confirmed it; waits (unbounded: the caller bounds it) while there is none. */
  CompletionStage<Void> follow(String channel) {
    Route route;
    boolean added = false;
    synchronized (this) {
      route = routes.get(channel);
      if (route == null) {
        route = new Route();
        routes.put(channel, route);
        added = true;
      }
    }
    if (added) place(channel, route);
    return route.ready;
  }

  /** A new follow: on its slot's master when the map knows one; otherwise the map is read again first. */
  private void place(String channel, Route route) {
    Placement p = null;
    synchronized (this) {
      SlotMap.Master target = map == null ? null : map.masterOf(channel);
      if (target != null && routes.get(channel) == route && route.on == null) {
        route.on = target.key();
        route.placement++;
        p = new Placement(channel, route, route.placement, route.on, shard(target));
      }
    }
    if (p != null) send(p);
    else retryLater();
  }

  private void send(Placement p) {
    p.shard().follow(p.channel()).subscribe().with(ok -> placed(p), err -> {}); // a refusal comes as evicted()
  }

  void unfollow(String channel) {
    PubSubShard shard = null;
    synchronized (this) {
      Route route = routes.remove(channel);
      if (route != null && route.on != null) shard = shards.get(route.on);
    }
    if (shard != null) shard.unfollow(channel);
  }

  /** Every followed channel is confirmed on a connected shard; with none followed: the topology could be read. */
  synchronized boolean connected() {
    if (routes.isEmpty()) return topologyRead;
    for (Route r : routes.values()) {
      PubSubShard s = r.on == null ? null : shards.get(r.on);
      if (s == null || !s.connected() || !r.ready.isDone()) return false;
    }
    return true;
  }

  /** For tests and the log: the masters with a feed connection and the channels each carries. */
  synchronized Map<String, List<String>> layout() {
    Map<String, List<String>> out = new HashMap<>();
    shards.forEach((key, s) -> out.put(key, s.channels()));
    return out;
  }

  /** Runs every shard's watchdog (see {@link PubSubShard#watch}). */
  void watch() {
    List<PubSubShard> all;
    synchronized (this) {
      all = new ArrayList<>(shards.values());
    }
    all.forEach(PubSubShard::watch);
  }

  void stop() {
    List<PubSubShard> all;
    synchronized (this) {
      stopped = true;
      if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
      all = new ArrayList<>(shards.values());
      shards.clear();
      routes.values().forEach(r -> r.ready.completeExceptionally(new ChangeFeed.Down()));
    }
    all.forEach(PubSubShard::stop);
  }

  // --- the topology

  /** Reads the slot map now, or once more after the read under way when one is. */
  private void refresh() {
    synchronized (this) {
      if (stopped) return;
      if (refreshing) {
        refreshAgain = true;
        return;
      }
      refreshing = true;
      if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    readTopology().subscribe().with(this::read, this::unreadable);
  }

  /** The seeds, then the masters known so far (a seed may be the master that just died). */
  private synchronized List<String> candidates() {
    Set<String> all = new LinkedHashSet<>(seeds);
    if (map != null) map.masters().forEach(m -> all.add(endpoint(seeds.get(0), m.host(), m.port())));
    return new ArrayList<>(all);
  }

  private Uni<SlotMap> readTopology() {
    List<String> from = candidates();
    Uni<SlotMap> chain = readFrom(from.get(0));
    for (String next : from.subList(1, from.size())) chain = chain.onFailure().recoverWithUni(() -> readFrom(next));
    return chain;
  }

  private Uni<SlotMap> readFrom(String endpoint) {
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(endpoint).setMaxPoolSize(1)
        .setMaxPoolWaiting(1).setNetClientOptions(new NetClientOptions().setConnectTimeout((int) READ_TIMEOUT.toMillis())));
    return Uni.createFrom().completionStage(() -> client.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).toCompletionStage())
        .ifNoItem().after(READ_TIMEOUT).fail()
        .map(r -> slotMap(r, URI.create(endpoint).getHost()))
        .eventually(client::close);
  }

  /** CLUSTER SLOTS: [first, last, [host, port, id, ...] of the master, the replicas...] per range. */
  static SlotMap slotMap(Response answer, String askedHost) {
    List<SlotMap.Range> ranges = new ArrayList<>();
    for (int i = 0; i < answer.size(); i++) {
      Response range = answer.get(i);
      Response master = range.get(2);
      String host = master.get(0) == null ? "" : master.get(0).toString();
      if (host.isEmpty() || host.equals("?")) host = askedHost; // the node does not know its own address: the one asked
      ranges.add(new SlotMap.Range(range.get(0).toInteger(), range.get(1).toInteger(),
          new SlotMap.Master(host, master.get(1).toInteger())));
    }
    return new SlotMap(ranges);
  }

  private void read(SlotMap fresh) {
    boolean again;
    synchronized (this) {
      refreshing = false;
      topologyRead = true;
      unreadableLogged = false;
      if (ShardPlan.changed(map, fresh)) {
        if (fresh.uncovered() > 0) Log.errorf("change feed: cluster topology %s", fresh.describe());
        else Log.infof("change feed: cluster topology %s", fresh.describe());
      }
      map = fresh;
      again = refreshAgain;
      refreshAgain = false;
    }
    reconcile();
    if (again) refresh();
  }

  private void unreadable(Throwable err) {
    boolean again;
    synchronized (this) {
      refreshing = false;
      topologyRead = false;
      if (!unreadableLogged) {
        Log.errorf("change feed: no cluster seed answered CLUSTER SLOTS (last: %s); retrying up to every %s",
            err.getMessage(), LAST_RETRY);
      }
      unreadableLogged = true;
      again = refreshAgain;
      refreshAgain = false;
    }
    if (again) refresh();
    else retryLater();
  }

  /** Reads the topology again after a back-off, unless a read is already due. */
  private void retryLater() {
    synchronized (this) {
      if (stopped || refreshing || retryTimer >= 0) return;
      long delay = Math.min(LAST_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(retries, 10));
      retries++;
      retryTimer = vertx.setTimer(delay, id -> {
        synchronized (this) {
          retryTimer = -1;
        }
        refresh();
      });
    }
  }

  // --- routing

  /** Follows every channel on its slot's master, closes connections nothing needs, and retries while unsettled. */
  private void reconcile() {
    List<Placement> placements = new ArrayList<>();
    List<Map.Entry<String, PubSubShard>> leaving = new ArrayList<>();
    List<PubSubShard> closing = new ArrayList<>();
    boolean settled;
    synchronized (this) {
      if (stopped) return;
      if (map == null) {
        settled = false;
      } else {
        Map<String, String> placedOn = new HashMap<>();
        routes.forEach((channel, r) -> placedOn.put(channel, r.on));
        ShardPlan.Plan plan = ShardPlan.plan(map, placedOn);
        for (ShardPlan.Move move : plan.moves()) {
          Route r = routes.get(move.channel());
          if (move.from() != null && shards.containsKey(move.from())) leaving.add(Map.entry(move.channel(), shards.get(move.from())));
          r.on = move.to().key();
          r.placement++;
          placements.add(new Placement(move.channel(), r, r.placement, r.on, shard(move.to())));
        }
        List<String> carrying = routes.values().stream().map(r -> r.on).filter(on -> on != null).toList();
        for (String idle : ShardPlan.idle(map, shards.keySet(), carrying)) closing.add(shards.remove(idle));
        settled = plan.waiting().isEmpty() && shardsUp();
      }
    }
    if (!placements.isEmpty()) logMoves(placements);
    leaving.forEach(e -> e.getValue().unfollow(e.getKey()));
    closing.forEach(s -> {
      forget(s);
      s.stop();
    });
    placements.forEach(this::send);
    if (settled && placements.isEmpty()) {
      synchronized (this) {
        retries = 0;
      }
    } else {
      retryLater();
    }
  }

  /** Once per re-routing: how many channels go to which master (a first follow of a channel is not worth a line). */
  private void logMoves(List<Placement> placements) {
    Map<String, Integer> refollowed = new java.util.TreeMap<>();
    for (Placement p : placements) if (p.route().confirmedOnce) refollowed.merge(p.master(), 1, Integer::sum);
    if (!refollowed.isEmpty()) Log.infof("change feed: following channels again, on their master now: %s", refollowed);
  }

  /** Under the lock: whether every shard that carries a channel is connected. */
  private boolean shardsUp() {
    for (Route r : routes.values()) {
      PubSubShard s = r.on == null ? null : shards.get(r.on);
      if (s == null || !s.connected()) return false;
    }
    return true;
  }

  /** Under the lock: the connection to a master, opened on first use. */
  private PubSubShard shard(SlotMap.Master master) {
    return shards.computeIfAbsent(master.key(), k -> new PubSubShard(vertx, endpoint(seeds.get(0), master.host(), master.port()),
        PubSubShard.Flavour.SHARDED, reconnectDelay, this));
  }

  private synchronized void forget(PubSubShard s) {
    everLive.remove(s);
    down.remove(s);
  }

  private void placed(Placement p) {
    boolean moved;
    synchronized (this) {
      Route r = routes.get(p.channel());
      if (r != p.route() || r.placement != p.placement() || !p.master().equals(r.on)) return;
      moved = r.confirmedOnce;
      r.confirmedOnce = true;
    }
    p.route().ready.complete(null);
    if (moved) events.gap(p.channel());
  }

  // --- what the shards report

  @Override public void message(String channel, String payload) { events.message(channel, payload); }

  @Override
  public void resumed(PubSubShard shard) {
    List<String> gaps = new ArrayList<>();
    boolean back;
    synchronized (this) {
      String key = keyOf(shard);
      if (key == null) return;
      back = down.remove(shard);
      if (!everLive.add(shard)) {
        for (String channel : shard.channels()) {
          Route r = routes.get(channel);
          if (r != null && r.confirmedOnce && key.equals(r.on)) gaps.add(channel);
        }
      }
      if (back) Log.infof("change feed: connected to %s again, %d channels followed there; filling gaps", key, gaps.size());
    }
    gaps.forEach(events::gap);
  }

  @Override
  public void lost(PubSubShard shard, String why) {
    String key;
    boolean first;
    synchronized (this) {
      key = keyOf(shard);
      if (key == null) return;
      first = down.add(shard);
    }
    if (!first) return; // it retries by itself; the topology is read again with a back-off meanwhile
    Log.errorf("change feed: lost the pub/sub connection to %s (%s); reading the cluster's topology again", key, why);
    events.shardLost(key, why);
    refresh();
  }

  @Override
  public void evicted(PubSubShard shard, List<String> channels, String why) {
    synchronized (this) {
      String key = keyOf(shard);
      if (key == null) return;
      for (String channel : channels) {
        Route r = routes.get(channel);
        if (r != null && key.equals(r.on)) r.on = null;
      }
      // one push per channel when a slot moves: logged once per re-routing (reconcile), not here
      Log.debugf("change feed: %s no longer carries %d followed channel(s) (%s)", key, channels.size(), why);
      if (retries > 0) { // a stale map may send them back where they were refused: not faster than the back-off
        retryLater();
        return;
      }
    }
    refresh();
  }

  /** Under the lock: the master key of a shard still in use, or null for one already closed. */
  private String keyOf(PubSubShard shard) {
    for (Map.Entry<String, PubSubShard> e : shards.entrySet()) if (e.getValue() == shard) return e.getKey();
    return null;
  }

  /** A master's connection string: the seed's scheme and credentials, the master's host and port. */
  static String endpoint(String seed, String host, int port) {
    URI uri = URI.create(seed);
    String user = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return (uri.getScheme() == null ? "redis" : uri.getScheme()) + "://" + user + h + ":" + port;
  }
}
