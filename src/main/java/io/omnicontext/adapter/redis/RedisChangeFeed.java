package io.omnicontext.adapter.redis;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.port.ChangeFeed;
import io.omnicontext.port.Topic;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@link ChangeFeed} on one dedicated Redis pub/sub connection per node. When the connection drops
 * (Redis restart, CLIENT KILL) it reconnects, subscribes to every followed topic again and tells the
 * listener through {@link #onReconnect} so sessions fill what they missed from the log.
 */
@ApplicationScoped
public class RedisChangeFeed implements ChangeFeed {
  private static final java.time.Duration WATCHDOG = java.time.Duration.ofSeconds(2);
  private final Vertx vertx;
  private final String hosts;
  private final OmnicontextConfig config;
  private final Map<String, Topic> followed = new ConcurrentHashMap<>();
  /** Per followed channel, the server's confirmation: every follower waits for it, not only the first. */
  private final Map<String, Uni<Void>> confirmed = new ConcurrentHashMap<>();
  private volatile Redis client;
  private volatile RedisConnection connection;
  private volatile boolean stopped;
  private volatile boolean downLogged;
  private volatile BiConsumer<Topic, String> listener = (t, p) -> {};
  private volatile Runnable reconnected = () -> {};

  public RedisChangeFeed(Vertx vertx, @ConfigProperty(name = "quarkus.redis.hosts") String hosts, OmnicontextConfig config) {
    this.vertx = vertx;
    this.hosts = hosts;
    this.config = config;
  }

  void start(@Observes StartupEvent e) {
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(hosts.split(",")[0].trim()).setMaxPoolWaiting(8));
    connect();
    vertx.setPeriodic(WATCHDOG.toMillis(), id -> probe());
  }

  /**
   * A pub/sub connection can die without a close (a Redis restart behind a proxy, a half-open socket):
   * a PING that gets no answer in time closes it, and the usual reconnect and gap fill follow.
   */
  private void probe() {
    RedisConnection c = connection;
    if (c == null || stopped) return;
    c.send(Request.cmd(Command.PING)).timeout(WATCHDOG.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onFailure(err -> {
          Log.warnf("change feed: no answer to PING (%s); reconnecting", err.getMessage());
          c.close();
          lost(c);
        });
  }

  void stop(@Observes ShutdownEvent e) {
    stopped = true;
    RedisConnection c = connection;
    if (c != null) c.close();
    if (client != null) client.close();
  }

  @Override public void onMessage(BiConsumer<Topic, String> l) { listener = l; }

  @Override
  public void onReconnect(Runnable r) { reconnected = r; }

  @Override public boolean connected() { return connection != null; }

  @Override
  public Uni<Void> follow(Topic topic) {
    String channel = RedisKeys.channel(topic);
    followed.putIfAbsent(channel, topic);
    return confirmed.computeIfAbsent(channel, ch -> send(Request.cmd(Command.SUBSCRIBE).arg(ch))
            .onFailure().invoke(() -> confirmed.remove(ch))
            .memoize().indefinitely());
  }

  @Override
  public Uni<Void> unfollow(Topic topic) {
    String channel = RedisKeys.channel(topic);
    confirmed.remove(channel);
    if (followed.remove(channel) == null) return Uni.createFrom().voidItem();
    return send(Request.cmd(Command.UNSUBSCRIBE).arg(channel)).onFailure().recoverWithNull();
  }

  private Uni<Void> send(Request request) {
    RedisConnection c = connection;
    if (c == null) return Uni.createFrom().failure(new ChangeFeed.Down());
    return Uni.createFrom().completionStage(() -> c.send(request).toCompletionStage()).replaceWithVoid();
  }

  private void connect() {
    if (stopped) return;
    client.connect().onSuccess(this::connected).onFailure(err -> {
      if (!downLogged) Log.errorf("change feed: Redis unreachable at %s (%s); retrying every %s", hosts, err.getMessage(), config.redis().feedReconnect());
      downLogged = true;
      retryLater();
    });
  }

  private void connected(RedisConnection c) {
    c.handler(this::onResponse);
    c.exceptionHandler(err -> Log.warnf("change feed: connection error %s", err.getMessage()));
    c.endHandler(v -> lost(c));
    Request subscribe = Request.cmd(Command.SUBSCRIBE);
    followed.keySet().forEach(subscribe::arg);
    var resubscribed = followed.isEmpty() ? io.vertx.core.Future.<Response>succeededFuture() : c.send(subscribe);
    resubscribed.onSuccess(r -> {
      connection = c;
      if (downLogged) Log.infof("change feed: connected to Redis again, %d topics followed", followed.size());
      downLogged = false;
      reconnected.run();
    }).onFailure(err -> {
      c.close();
      retryLater();
    });
  }

  /** Once per connection (end handler and watchdog may both report it): forget it and reconnect. */
  private synchronized void lost(RedisConnection c) {
    if (connection != c) return;
    connection = null;
    if (stopped) return;
    if (!downLogged) Log.errorf("change feed: lost the Redis pub/sub connection; reconnecting every %s", config.redis().feedReconnect());
    downLogged = true;
    retryLater();
  }

  private void retryLater() {
    if (!stopped) vertx.setTimer(Math.max(50, config.redis().feedReconnect().toMillis()), id -> connect());
  }

  private void onResponse(Response r) {
    if (r == null || r.size() < 3 || !"message".equals(r.get(0).toString())) return;
    Topic topic = followed.get(r.get(1).toString());
    if (topic != null) listener.accept(topic, r.get(2).toString());
  }
}
