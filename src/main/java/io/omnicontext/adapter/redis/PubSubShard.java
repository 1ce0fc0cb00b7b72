package io.omnicontext.adapter.redis;

import io.omnicontext.config.LogSafe;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One pub/sub connection to one Redis endpoint and the channels it carries, on the Vert.x Redis client's
 * own subscription handling: RESP3, so every message and every (un)subscribe confirmation is a typed push
 * that can never be taken for the reply of a command.
 *
 * <p>A follow completes when Redis confirmed the subscription, so anything published later is received.
 * While the connection is down a follow waits for it (the caller bounds the wait). Liveness is judged by
 * traffic: any push or reply proves the socket alive; only after {@link #IDLE} without any does the shard
 * send a PING, and only {@link #SILENCE} without any answer at all drops the connection. A busy connection
 * is therefore never dropped for being slow. The owner calls {@link #watch} about once a second (one
 * scheduled job for every shard of the node, {@link RedisChangeFeed#watchShards}).
 */
final class PubSubShard {
  static final Duration IDLE = Duration.ofSeconds(5);
  static final Duration SILENCE = Duration.ofSeconds(15);

  /** The classic (SUBSCRIBE, "message") or the sharded (SSUBSCRIBE, "smessage") flavour of pub/sub. */
  enum Flavour {
    CLASSIC(Command.SUBSCRIBE, Command.UNSUBSCRIBE, "subscribe", "unsubscribe", "message"),
    SHARDED(Command.SSUBSCRIBE, Command.SUNSUBSCRIBE, "ssubscribe", "sunsubscribe", "smessage");

    final Command subscribe;
    final Command unsubscribe;
    final String subscribed;
    final String unsubscribed;
    final String message;

    Flavour(Command subscribe, Command unsubscribe, String subscribed, String unsubscribed, String message) {
      this.subscribe = subscribe;
      this.unsubscribe = unsubscribe;
      this.subscribed = subscribed;
      this.unsubscribed = unsubscribed;
      this.message = message;
    }
  }

  /** What the shard tells its owner. */
  interface Listener {
    void message(String channel, String payload);

    /** The connection is back and every followed channel is confirmed again: messages may have been lost meanwhile. */
    void resumed(PubSubShard shard);

    /** The connection was lost (the owner counts and logs it). */
    void lost(PubSubShard shard, String why);

    /**
     * The server no longer carries these channels here: it refused their subscribe (MOVED, ASK, CLUSTERDOWN)
     * or unsubscribed them by itself (Redis 7 does when their slot leaves the node). They are no longer
     * followed on this shard; whoever waited for them got {@link Refused}. The owner follows them again,
     * here or on the slot's new master.
     */
    void evicted(PubSubShard shard, List<String> channels, String why);
  }

  /** A follow the server refused or dropped on this connection (see {@link Listener#evicted}). */
  static final class Refused extends RuntimeException {
    Refused(String why) { super(why, null, false, false); }
  }

  /** A followed channel: how many subscribe confirmations are still due on this connection, and who waits. */
  private static final class Channel {
    int unconfirmed;
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
  }

  private final Vertx vertx;
  private final String endpoint;
  private final Flavour flavour;
  private final Duration reconnectDelay;
  private final Listener listener;
  private final Map<String, Channel> channels = new HashMap<>();
  private final Redis client;
  private RedisConnection connection;
  /** True once the current connection has every channel confirmed. */
  private boolean live;
  private boolean stopped;
  private volatile long lastHeard = System.nanoTime();
  private long probeSentAt;

  PubSubShard(Vertx vertx, String endpoint, Flavour flavour, Duration reconnectDelay, Listener listener) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.flavour = flavour;
    this.reconnectDelay = reconnectDelay;
    this.listener = listener;
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(endpoint)
        .setPreferredProtocolVersion(ProtocolVersion.RESP3).setMaxPoolSize(2).setMaxPoolWaiting(8));
    connect();
  }

  String endpoint() { return endpoint; }

  synchronized boolean connected() { return connection != null && live; }

  /** Completes once Redis confirmed the channel on a live connection (at once if it already is). */
  Uni<Void> follow(String channel) {
    CompletableFuture<Void> confirmed;
    synchronized (this) {
      Channel c = channels.get(channel);
      if (c == null) {
        c = new Channel();
        channels.put(channel, c);
        if (connection != null) send(c, channel);
      }
      confirmed = c.confirmed;
    }
    return Uni.createFrom().completionStage(confirmed);
  }

  void unfollow(String channel) {
    synchronized (this) {
      if (channels.remove(channel) == null || connection == null) return;
      connection.send(Request.cmd(flavour.unsubscribe).arg(channel))
          .onFailure(err -> Log.debugf("unsubscribe %s not sent: %s", channel, LogSafe.failure(err)));
    }
  }

  synchronized int channelCount() { return channels.size(); }

  void stop() {
    synchronized (this) {
      stopped = true;
      if (connection != null) connection.close();
      connection = null;
      channels.values().forEach(c -> c.confirmed.completeExceptionally(new io.omnicontext.port.ChangeFeed.Down()));
    }
    client.close();
  }

  /** Under the lock: one SUBSCRIBE for one channel on the current connection. */
  private void send(Channel c, String channel) {
    c.unconfirmed++;
    connection.send(Request.cmd(flavour.subscribe).arg(channel)).onFailure(err -> dropped(connection, "subscribe not sent: " + err.getMessage()));
  }

  private void connect() {
    synchronized (this) {
      if (stopped) return;
    }
    client.connect().onSuccess(this::opened).onFailure(err -> {
      listener.lost(this, "unreachable: " + err.getMessage());
      retryLater();
    });
  }

  private void opened(RedisConnection c) {
    lastHeard = System.nanoTime();
    c.handler(r -> onPush(c, r));
    c.exceptionHandler(err -> dropped(c, "connection error: " + err.getMessage()));
    c.endHandler(v -> dropped(c, "connection closed"));
    boolean resumedNow;
    synchronized (this) {
      if (stopped) {
        c.close();
        return;
      }
      connection = c;
      live = false;
      probeSentAt = 0;
      for (Request all : resubscribe()) c.send(all).onFailure(err -> dropped(c, "resubscribe not sent: " + err.getMessage()));
      resumedNow = channels.isEmpty();
      if (resumedNow) live = true;
    }
    if (resumedNow) listener.resumed(this);
  }

  /**
   * Under the lock: the subscribes that follow every channel again on a new connection. A sharded subscribe
   * names channels of one slot only (a cluster refuses others with CROSSSLOT), so there is one per slot.
   */
  private List<Request> resubscribe() {
    Map<Integer, Request> bySlot = new HashMap<>();
    channels.forEach((name, ch) -> {
      ch.unconfirmed = 1;
      int group = flavour == Flavour.SHARDED ? HashSlot.of(name) : 0;
      bySlot.computeIfAbsent(group, g -> Request.cmd(flavour.subscribe)).arg(name);
    });
    return new ArrayList<>(bySlot.values());
  }

  private void onPush(RedisConnection c, Response r) {
    lastHeard = System.nanoTime();
    if (r != null && r.type() == ResponseType.ERROR) {
      refused(c, r.toString());
      return;
    }
    if (r == null || (r.type() != ResponseType.PUSH && r.type() != ResponseType.MULTI) || r.size() < 3) return;
    String kind = r.get(0).toString();
    String channel = r.get(1) == null ? null : r.get(1).toString();
    if (channel == null) return;
    if (flavour.message.equals(kind)) {
      Response payload = r.get(2);
      if (payload != null) listener.message(channel, payload.toString());
    } else if (flavour.subscribed.equals(kind)) {
      confirmed(c, channel);
    } else if (flavour.unsubscribed.equals(kind)) {
      unsubscribedByServer(c, channel);
    }
  }

  /**
   * An error on the subscribed connection answers one of our (un)subscribes (they have no reply of their own).
   * A cluster redirect names the slot it concerns: its channels still waiting for confirmation are evicted.
   * Anything else is logged once per occurrence (it is no traffic of the feed itself).
   */
  private void refused(RedisConnection c, String error) {
    ShardPlan.Redirect redirect = ShardPlan.Redirect.parse(error);
    if (redirect == null) {
      Log.warnf("change feed: %s answered %s", endpoint, error);
      return;
    }
    List<String> waiting = new ArrayList<>();
    synchronized (this) {
      if (c != connection) return;
      channels.forEach((name, ch) -> {
        if (ch.unconfirmed > 0) waiting.add(name);
      });
    }
    evict(c, redirect.concerns(waiting), error);
  }

  /**
   * The server unsubscribed a channel. One that still waits for a subscribe confirmation sees its own
   * earlier unfollow answered; a confirmed one was dropped by the server (its slot moved) and is evicted.
   */
  private void unsubscribedByServer(RedisConnection c, String channel) {
    synchronized (this) {
      if (c != connection) return;
      Channel ch = channels.get(channel);
      if (ch == null || ch.unconfirmed > 0) return;
    }
    evict(c, List.of(channel), flavour.unsubscribed + " from the server");
  }

  private void evict(RedisConnection c, List<String> names, String why) {
    if (names.isEmpty()) return;
    List<CompletableFuture<Void>> waiters = new ArrayList<>();
    boolean resumedNow = false;
    synchronized (this) {
      if (c != connection) return;
      for (String name : names) {
        Channel ch = channels.remove(name);
        if (ch != null) waiters.add(ch.confirmed);
      }
      if (!live && channels.values().stream().allMatch(x -> x.unconfirmed == 0)) {
        live = true;
        resumedNow = true;
      }
    }
    Refused refused = new Refused(why);
    waiters.forEach(w -> w.completeExceptionally(refused));
    listener.evicted(this, names, why);
    if (resumedNow) listener.resumed(this);
  }

  private void confirmed(RedisConnection c, String channel) {
    CompletableFuture<Void> done = null;
    boolean resumedNow = false;
    synchronized (this) {
      if (c != connection) return;
      Channel ch = channels.get(channel);
      if (ch == null || ch.unconfirmed == 0) return;
      if (--ch.unconfirmed == 0) done = ch.confirmed;
      if (!live && channels.values().stream().allMatch(x -> x.unconfirmed == 0)) {
        live = true;
        resumedNow = true;
      }
    }
    if (done != null) done.complete(null);
    if (resumedNow) listener.resumed(this);
  }

  /** Once per connection (end, error, watchdog may all report it): forget it and reconnect. */
  private void dropped(RedisConnection c, String why) {
    synchronized (this) {
      if (c != connection) return;
      connection = null;
      live = false;
      channels.values().forEach(ch -> ch.unconfirmed = 0);
      if (stopped) return;
    }
    c.close();
    listener.lost(this, why);
    retryLater();
  }

  /** Probe an idle connection; drop one that answered nothing at all for {@link #SILENCE}. Called about once a second. */
  void watch() {
    RedisConnection c;
    long silentFor = System.nanoTime() - lastHeard;
    synchronized (this) {
      c = connection;
      if (c == null || stopped) return;
      if (silentFor < IDLE.toNanos()) {
        probeSentAt = 0;
        return;
      }
      if (probeSentAt == 0) probeSentAt = System.nanoTime();
    }
    if (silentFor > SILENCE.toNanos()) {
      dropped(c, "nothing heard for " + Duration.ofNanos(silentFor).toSeconds() + " s");
      return;
    }
    c.send(Request.cmd(Command.PING)).onSuccess(r -> lastHeard = System.nanoTime()).onFailure(err -> {
      // a subscribe has no reply of its own: an error answering one is taken for the PING's while it waits
      if (err instanceof Response) refused(c, err.getMessage());
    });
  }

  private void retryLater() {
    synchronized (this) {
      if (stopped) return;
    }
    vertx.setTimer(Math.max(50, reconnectDelay.toMillis()), id -> connect());
  }

  /** For tests and metrics: the channels this shard follows now. */
  synchronized List<String> channels() { return new ArrayList<>(channels.keySet()); }
}
