package io.omnicontext.adapter.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * One sharded {@link PubSubShard} on the standalone Redis of bin/infra (REDIS_PORT): after its connection
 * is killed it follows every channel again, one SSUBSCRIBE per slot (what a cluster requires), and says so.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PubSubShardIT {
  private static final int PORT = Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "56379"));
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private final Map<String, List<String>> received = new ConcurrentHashMap<>();
  private final AtomicInteger resumed = new AtomicInteger();
  private final List<String> evicted = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private PubSubShard shard;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    shard = new PubSubShard(vertx, "redis://127.0.0.1:" + PORT, PubSubShard.Flavour.SHARDED, Duration.ofMillis(100),
        new PubSubShard.Listener() {
          @Override public void message(String channel, String payload) {
            received.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(payload);
          }

          @Override public void resumed(PubSubShard s) { resumed.incrementAndGet(); }

          @Override public void lost(PubSubShard s, String why) {}

          @Override public void evicted(PubSubShard s, List<String> channels, String why) { evicted.addAll(channels); }
        });
  }

  @AfterEach
  void close() {
    shard.stop();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void a_killed_connection_follows_channels_of_many_slots_again() {
    String run = Long.toString(System.nanoTime(), 36);
    List<String> channels = List.of("oc:{shardit-" + run + "-a}", "oc:{shardit-" + run + "-b}", "oc:{shardit-" + run + "-c}",
        "oc:{shardit-" + run + "-a}:second"); // two in one slot, three slots
    assertEquals(3, channels.stream().map(HashSlot::of).distinct().count());
    channels.forEach(c -> shard.follow(c).await().atMost(PATIENCE));
    channels.forEach(c -> publishUntilReceived(c, "before"));
    int before = resumed.get();

    call(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("pubsub"));
    await().atMost(PATIENCE).until(() -> resumed.get() > before && shard.connected());

    channels.forEach(c -> publishUntilReceived(c, "after"));
    assertTrue(evicted.isEmpty(), "nothing refused: " + evicted);
    assertEquals(Set.copyOf(channels), Set.copyOf(shard.channels()));
  }

  private void publishUntilReceived(String channel, String text) {
    AtomicInteger n = new AtomicInteger();
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
      boolean got = received.getOrDefault(channel, List.of()).stream().anyMatch(p -> p.startsWith(text + " #"));
      if (!got) call(Request.cmd(Command.SPUBLISH).arg(channel).arg(text + " #" + n.incrementAndGet()));
      return got;
    });
  }

  private Response call(Request request) {
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + PORT));
    try {
      return client.send(request).toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    } finally {
      client.close();
    }
  }
}
