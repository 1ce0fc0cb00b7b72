package io.omnicontext.adapter.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The change feed on a real local Redis Cluster of 3 masters and 3 replicas (ports from REDIS_CLUSTER_PORTS,
 * default 54001-54006, started by bin/infra): {@link ClusterFeed} driven directly on its own Vert.x, test
 * messages published with SPUBLISH (the server's writes need the cluster-safe scripts, not this test).
 * Nothing here assumes which node is master: the test reads the cluster's own answer.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFeedIT {
  private static final List<Integer> PORTS = Arrays.stream(env("REDIS_CLUSTER_PORTS", "54001 54002 54003 54004 54005 54006")
      .trim().split("\\s+")).map(Integer::parseInt).toList();
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static Vertx vertx;

  private final Map<String, List<String>> received = new ConcurrentHashMap<>();
  private final List<String> gaps = new CopyOnWriteArrayList<>();
  private final List<String> lost = new CopyOnWriteArrayList<>();
  private ClusterFeed feed;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
    awaitClusterOk();
  }

  @AfterAll
  static void close() { vertx.close().toCompletionStage().toCompletableFuture().join(); }

  @BeforeEach
  void feed() {
    feed = new ClusterFeed(vertx, PORTS.stream().map(p -> "redis://127.0.0.1:" + p).toList(), Duration.ofMillis(250),
        new ClusterFeed.Events() {
          @Override public void message(String channel, String payload) {
            received.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(payload);
          }

          @Override public void gap(String channel) { gaps.add(channel); }

          @Override public void shardLost(String master, String why) { lost.add(master); }
        });
    await().atMost(PATIENCE).until(feed::connected); // nothing followed: the topology was read
  }

  @AfterEach
  void stop() { feed.stop(); }

  @Test
  @Order(1)
  void each_channel_is_followed_once_on_its_slot_master_and_messages_of_all_three_masters_arrive() {
    SlotMap map = slotMap();
    assertEquals(3, map.masters().size(), "3 masters: " + map);
    Map<String, SlotMap.Master> channels = twoChannelsPerMaster(map, "all");
    followAll(channels.keySet());
    followAll(channels.keySet()); // a second follow of the same channels changes nothing

    Map<String, List<String>> layout = feed.layout();
    assertEquals(3, layout.size(), "one connection per master: " + layout);
    channels.forEach((channel, master) -> assertEquals(List.of(channel),
        layout.get(master.key()).stream().filter(channel::equals).toList(), channel + " once, on " + master.key()));

    channels.keySet().forEach(c -> publishUntilReceived(c, "hello " + c));
    assertTrue(gaps.isEmpty(), "no gap without a fault: " + gaps);
    assertTrue(lost.isEmpty(), "no connection lost: " + lost);

    String one = channels.keySet().iterator().next();
    feed.unfollow(one);
    int before = received.getOrDefault(one, List.of()).size();
    String other = channels.keySet().stream().filter(c -> !c.equals(one)).findFirst().orElseThrow();
    publishUntilReceived(other, "after unfollow"); // later than anything published on `one` below, on its own connection
    publish(one, "not followed any more");
    publishUntilReceived(other, "after unfollow 2");
    assertEquals(before, received.getOrDefault(one, List.of()).size(), "an unfollowed channel delivers nothing");
  }

  @Test
  @Order(2)
  void a_master_killed_fails_over_to_its_replica_and_the_feed_follows_again_with_a_gap_signal() throws Exception {
    SlotMap map = slotMap();
    Map<String, SlotMap.Master> channels = twoChannelsPerMaster(map, "failover");
    followAll(channels.keySet());
    channels.keySet().forEach(c -> publishUntilReceived(c, "before " + c));

    SlotMap.Master victim = channels.values().iterator().next();
    Set<String> victims = new HashSet<>();
    channels.forEach((c, m) -> { if (m.equals(victim)) victims.add(c); });
    List<String> victimStart = startArgs(victim.port());
    kill9(victim.port());
    try {
      await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
        SlotMap now = slotMapAvoiding(victim.port());
        return now != null && victims.stream().noneMatch(c -> victim.equals(now.masterOf(c)));
      });
      await().atMost(PATIENCE).until(feed::connected);

      SlotMap after = slotMapAvoiding(victim.port());
      Map<String, List<String>> layout = feed.layout();
      for (String c : victims) {
        SlotMap.Master promoted = after.masterOf(c);
        assertNotEquals(victim, promoted);
        assertTrue(layout.get(promoted.key()).contains(c), c + " followed on the promoted " + promoted.key() + ": " + layout);
      }
      assertFalse(layout.containsKey(victim.key()), "the dead master's connection is closed: " + layout);
      channels.keySet().forEach(c -> publishUntilReceived(c, "after " + c));
      assertEquals(victims, Set.copyOf(gaps), "a gap for exactly the failed master's channels");
      assertEquals(List.of(victim.key()), lost, "the shard loss counted once");
    } finally {
      restart(victimStart, victim.port());
    }
  }

  @Test
  @Order(4)
  void a_slot_migrated_to_another_master_is_followed_there_with_a_gap_signal() {
    SlotMap map = slotMap();
    List<SlotMap.Master> masters = new ArrayList<>(map.masters());
    String channel = emptySlotChannel(map, masters.get(0));
    String stay = emptySlotChannel(map, masters.get(1));
    followAll(List.of(channel, stay));
    publishUntilReceived(channel, "before the move");
    int slot = HashSlot.of(channel);
    SlotMap.Master from = masters.get(0);
    SlotMap.Master to = masters.get(1);

    moveSlot(slot, from, to);
    try {
      await().atMost(PATIENCE).until(() -> feed.layout().getOrDefault(to.key(), List.of()).contains(channel) && feed.connected());
      assertFalse(feed.layout().getOrDefault(from.key(), List.of()).contains(channel));
      publishUntilReceived(channel, "after the move");
      publishUntilReceived(stay, "unaffected");
      assertEquals(List.of(channel), gaps, "a gap for the moved channel only");
      assertTrue(lost.isEmpty(), "no connection lost: " + lost);
    } finally {
      moveSlot(slot, to, from);
    }
  }

  @Test
  @Order(3)
  void a_dropped_connection_to_a_live_master_follows_its_channels_again_there_with_a_gap_signal() {
    SlotMap map = slotMap();
    Map<String, SlotMap.Master> channels = twoChannelsPerMaster(map, "drop");
    followAll(channels.keySet());
    channels.keySet().forEach(c -> publishUntilReceived(c, "before " + c));
    SlotMap.Master dropped = channels.values().iterator().next();
    Set<String> there = new HashSet<>();
    channels.forEach((c, m) -> { if (m.equals(dropped)) there.add(c); });
    assertEquals(2, there.stream().map(HashSlot::of).distinct().count(), "two slots: one SSUBSCRIBE each on reconnect");

    call(dropped.port(), Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("pubsub"));
    await().atMost(PATIENCE).until(() -> Set.copyOf(gaps).equals(there) && feed.connected());

    channels.keySet().forEach(c -> publishUntilReceived(c, "after " + c));
    assertEquals(there, Set.copyOf(gaps), "a gap for exactly the dropped connection's channels");
    assertEquals(List.of(dropped.key()), lost, "the loss counted once");
    assertEquals(there, Set.copyOf(feed.layout().get(dropped.key())), "followed on the same master again");
  }

  @Test
  @Order(5)
  void a_subscribe_sent_to_a_master_that_does_not_serve_the_slot_is_refused_and_reported() {
    SlotMap map = slotMap();
    List<SlotMap.Master> masters = new ArrayList<>(map.masters());
    String channel = emptySlotChannel(map, masters.get(0));
    SlotMap.Master wrong = masters.get(1);
    List<String> evicted = new CopyOnWriteArrayList<>();
    List<String> why = new CopyOnWriteArrayList<>();
    PubSubShard shard = new PubSubShard(vertx, "redis://127.0.0.1:" + wrong.port(), PubSubShard.Flavour.SHARDED, Duration.ofMillis(250),
        new PubSubShard.Listener() {
          @Override public void message(String c, String payload) {}

          @Override public void resumed(PubSubShard s) {}

          @Override public void lost(PubSubShard s, String w) {}

          @Override public void evicted(PubSubShard s, List<String> channels, String w) {
            evicted.addAll(channels);
            why.add(w);
          }
        });
    try {
      Throwable refused = assertThrows(java.util.concurrent.CompletionException.class,
          () -> shard.follow(channel).subscribeAsCompletionStage().toCompletableFuture().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join());
      assertTrue(refused.getCause() instanceof PubSubShard.Refused, refused.toString());
      assertEquals(List.of(channel), evicted);
      assertTrue(why.get(0).startsWith("MOVED " + HashSlot.of(channel) + " "), why.toString());
      assertTrue(shard.channels().isEmpty(), "no longer followed there");
      await().atMost(PATIENCE).until(shard::connected); // the connection itself stays
    } finally {
      shard.stop();
    }
  }

  // --- follows and messages

  private void followAll(java.util.Collection<String> channels) {
    for (String c : channels) feed.follow(c).toCompletableFuture().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Publishes (again every 200 ms, a new payload each time) until the feed delivered one of them. */
  private void publishUntilReceived(String channel, String text) {
    AtomicLong n = new AtomicLong();
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
      boolean got = received.getOrDefault(channel, List.of()).stream().anyMatch(p -> p.startsWith(text + " #"));
      if (!got) publish(channel, text + " #" + n.incrementAndGet());
      return got;
    });
  }

  /** SPUBLISH on whichever node accepts it: the slot's master (the others answer MOVED or are down). */
  private static void publish(String channel, String payload) {
    for (int port : PORTS) {
      try {
        call(port, Request.cmd(Command.SPUBLISH).arg(channel).arg(payload));
        return;
      } catch (RuntimeException refused) {
        // MOVED, or the node is down: the next one
      }
    }
  }

  /** Two channels on each master, in two different slots, named like customer channels. */
  private static Map<String, SlotMap.Master> twoChannelsPerMaster(SlotMap map, String run) {
    Map<String, SlotMap.Master> out = new LinkedHashMap<>();
    Map<SlotMap.Master, Integer> count = new HashMap<>();
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; out.size() < 2 * map.masters().size() && i < 100_000; i++) {
      String channel = "oc:{feedit-" + run + "-" + i + "}:{it:c" + i + "}";
      SlotMap.Master m = map.masterOf(channel);
      if (m == null || count.getOrDefault(m, 0) >= 2 || !slots.add(HashSlot.of(channel))) continue;
      count.merge(m, 1, Integer::sum);
      out.put(channel, m);
    }
    return out;
  }

  private static String emptySlotChannel(SlotMap map, SlotMap.Master on) {
    for (int i = 0; ; i++) {
      String channel = "oc:{feedit-move-" + i + "}";
      int slot = HashSlot.of(channel);
      if (on.equals(map.master(slot)) && call(on.port(), Request.cmd(Command.CLUSTER).arg("COUNTKEYSINSLOT").arg(slot)).toLong() == 0)
        return channel;
    }
  }

  // --- the cluster

  private static SlotMap slotMap() {
    SlotMap map = slotMapAvoiding(-1);
    if (map == null) throw new IllegalStateException("no node of the cluster answers on ports " + PORTS);
    return map;
  }

  private static SlotMap slotMapAvoiding(int port) {
    for (int p : PORTS) {
      if (p == port) continue;
      try {
        return ClusterFeed.slotMap(call(p, Request.cmd(Command.CLUSTER).arg("SLOTS")), "127.0.0.1");
      } catch (RuntimeException down) {
        // the next one
      }
    }
    return null;
  }

  private static void awaitClusterOk() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> PORTS.stream().allMatch(p ->
        call(p, Request.cmd(Command.CLUSTER).arg("INFO")).toString().contains("cluster_state:ok")) && slotMap().masters().size() == 3
        && slotMap().uncovered() == 0);
  }

  /** Moves an empty slot between masters as redis-cli --cluster reshard does (IMPORTING, MIGRATING, NODE on every master). */
  private static void moveSlot(int slot, SlotMap.Master from, SlotMap.Master to) {
    String fromId = call(from.port(), Request.cmd(Command.CLUSTER).arg("MYID")).toString();
    String toId = call(to.port(), Request.cmd(Command.CLUSTER).arg("MYID")).toString();
    call(to.port(), Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("IMPORTING").arg(fromId));
    call(from.port(), Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("MIGRATING").arg(toId));
    call(to.port(), Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("NODE").arg(toId));
    call(from.port(), Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("NODE").arg(toId));
    for (SlotMap.Master m : slotMap().masters()) {
      if (!m.equals(from) && !m.equals(to)) call(m.port(), Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg("NODE").arg(toId));
    }
    await().atMost(PATIENCE).until(() -> PORTS.stream().allMatch(p -> {
      try {
        return to.equals(ClusterFeed.slotMap(call(p, Request.cmd(Command.CLUSTER).arg("SLOTS")), "127.0.0.1").master(slot));
      } catch (RuntimeException down) {
        return false;
      }
    }));
  }

  private static long pid(int port) {
    String info = call(port, Request.cmd(Command.INFO).arg("server")).toString();
    return info.lines().filter(l -> l.startsWith("process_id:")).map(l -> Long.parseLong(l.substring(11).trim())).findFirst().orElseThrow();
  }

  /** What a node needs to start again as it was (Redis rewrites its process title, so argv is gone). */
  private static final List<String> RESTART_SETTINGS = List.of("bind", "port", "dir", "cluster-enabled", "cluster-config-file",
      "cluster-node-timeout", "save", "appendonly", "appendfsync", "dbfilename", "appendfilename", "logfile", "pidfile",
      "protected-mode", "cluster-require-full-coverage");

  private static List<String> startArgs(int port) {
    List<String> argv = new ArrayList<>(List.of("redis-server"));
    for (String name : RESTART_SETTINGS) {
      Response kv = call(port, Request.cmd(Command.CONFIG).arg("GET").arg(name));
      Map<String, String> values = new HashMap<>(); // RESP2: name, value, name, value...
      for (int i = 0; i + 1 < kv.size(); i += 2) values.put(kv.get(i).toString(), kv.get(i + 1) == null ? "" : kv.get(i + 1).toString());
      String v = values.get(name);
      if (v == null) continue;
      if (name.equals("pidfile") && v.isEmpty()) continue;
      argv.add("--" + name);
      argv.addAll(name.equals("bind") ? Arrays.asList(v.split("\\s+")) : List.of(v));
    }
    argv.addAll(List.of("--daemonize", "yes"));
    return argv;
  }

  private static void kill9(int port) {
    ProcessHandle node = ProcessHandle.of(pid(port)).orElseThrow();
    node.destroyForcibly(); // SIGKILL
    node.onExit().orTimeout(30, TimeUnit.SECONDS).join();
  }

  /**
   * Starts the killed node again as it was started; it rejoins as a replica of its promoted replica, which
   * hands the master role back (CLUSTER FAILOVER), so later tests find the layout bin/infra made.
   */
  private static void restart(List<String> argv, int port) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException(argv + " did not start");
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
      String info = call(port, Request.cmd(Command.INFO).arg("replication")).toString();
      return info.contains("role:slave") && info.contains("master_link_status:up");
    });
    call(port, Request.cmd(Command.CLUSTER).arg("FAILOVER"));
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> call(port, Request.cmd(Command.INFO).arg("replication")).toString().contains("role:master"));
    awaitClusterOk();
  }

  /** One command on one node, from the test thread (never an event loop). */
  private static Response call(int port, Request request) {
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port).setMaxPoolSize(1)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2));
    try {
      return client.send(request).toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new IllegalStateException(port + ": " + e.getCause().getMessage(), e.getCause());
    } finally {
      client.close();
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
