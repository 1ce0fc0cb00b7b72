package io.omnicontext.adapter.redis;

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
 * is therefore never dropped for being slow.
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
  private final long watchdog;

  PubSubShard(Vertx vertx, String endpoint, Flavour flavour, Duration reconnectDelay, Listener listener) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.flavour = flavour;
    this.reconnectDelay = reconnectDelay;
    this.listener = listener;
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(endpoint)
        .setPreferredProtocolVersion(ProtocolVersion.RESP3).setMaxPoolSize(2).setMaxPoolWaiting(8));
    this.watchdog = vertx.setPeriodic(1000, id -> watch());
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
          .onFailure(err -> Log.debugf("unsubscribe %s not sent: %s", channel, err.getMessage()));
    }
  }

  synchronized int channelCount() { return channels.size(); }

  void stop() {
    synchronized (this) {
      stopped = true;
      vertx.cancelTimer(watchdog);
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
      if (!channels.isEmpty()) {
        Request all = Request.cmd(flavour.subscribe);
        channels.forEach((name, ch) -> {
          ch.unconfirmed = 1;
          all.arg(name);
        });
        c.send(all).onFailure(err -> dropped(c, "resubscribe not sent: " + err.getMessage()));
      }
      resumedNow = channels.isEmpty();
      if (resumedNow) live = true;
    }
    if (resumedNow) listener.resumed(this);
  }

  private void onPush(RedisConnection c, Response r) {
    lastHeard = System.nanoTime();
    if (r == null || (r.type() != ResponseType.PUSH && r.type() != ResponseType.MULTI) || r.size() < 3) return;
    String kind = r.get(0).toString();
    String channel = r.get(1) == null ? null : r.get(1).toString();
    if (channel == null) return;
    if (flavour.message.equals(kind)) {
      Response payload = r.get(2);
      if (payload != null) listener.message(channel, payload.toString());
    } else if (flavour.subscribed.equals(kind)) {
      confirmed(c, channel);
    }
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

  /** Probe an idle connection; drop one that answered nothing at all for {@link #SILENCE}. */
  private void watch() {
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
    c.send(Request.cmd(Command.PING)).onSuccess(r -> lastHeard = System.nanoTime());
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
