package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omnicontext.adapter.redis.RedisKeys;
import io.omnicontext.domain.CustomerKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Bucket leases on real nodes (docs/buckets.md): the nodes share the buckets out, each held by one live node, and
 * the buckets of a node killed with -9 are taken over and worked (outbox, due schedule, engagement leases).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class BucketLeasesIT implements Topology {
  /** Takeover: the lease (3 s) plus a step (1 s); the awaits allow a little more on a busy machine. */
  private static final Duration TAKEOVER = Duration.ofSeconds(10);
  private static final Pattern OWNED = Pattern.compile("^omnicontext_buckets_owned\\{[^}]*node=\"([^\"]+)\"[^}]*\\} ([0-9.]+)$", Pattern.MULTILINE);
  private final String tenant = Tokens.newTenant();

  private Client as(Nodes.Node node, String role, String channel) {
    return new Client(node, Tokens.mint(tenant, role, role + "-" + channel, channel, null));
  }

  @Test
  void with_three_nodes_every_bucket_is_held_by_exactly_one_of_them_within_its_share() {
    Map<String, Nodes.Node> live = nodeIds(nodes());
    await().atMost(TAKEOVER).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertFair(live.keySet()));
    Map<Integer, String> owners = bucketOwners();
    for (var node : live.entrySet()) {
      long held = owners.values().stream().filter(node.getKey()::equals).count();
      assertEquals(held, owned(node.getValue()).get(node.getKey()), node.getKey() + ": its gauge and Redis agree");
    }
  }

  @Test
  void a_node_killed_with_9_has_its_buckets_taken_over_and_their_outbox_due_schedule_and_engagement_leases_worked() {
    Nodes.Node victim = extra("bucket-victim", Map.of());
    try {
      killedWhileHolding(victim);
    } finally {
      victim.process().destroyForcibly(); // whatever failed: a leftover node would hold buckets in later tests
    }
  }

  private void killedWhileHolding(Nodes.Node victim) {
    Map<String, Nodes.Node> shared = nodeIds(nodes());
    String victimId = owned(victim).keySet().iterator().next();
    Set<String> four = new TreeSet<>(shared.keySet());
    four.add(victimId);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      assertFair(four);
      assertEquals(32, countOf(bucketOwners(), victimId), "the newcomer got its share: the others let go of theirs");
    });
    Set<Integer> victimBuckets = bucketsOf(bucketOwners(), victimId);

    String engaged = customerIn(victimBuckets, "eng");
    as(one(), "integration", "system").commit(engaged, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    try (var watcher = as(one(), "supervisor", "web").stream(); var agent = as(victim, "agent", "store").stream()) {
      watcher.subscribe(engaged);
      agent.send(Map.of("type", "engage", "customerId", engaged, "channel", "store", "activity", "in-store"));
      JsonNode start = watcher.await(f -> "engagement.start".equals(f.path("op").asText()), "engagement.start");

      victim.process().destroyForcibly(); // SIGKILL: no release, no close frame, no engagement.end from it

      // Work that lands in its buckets after it died: only a node that took them over can do it.
      String due = customerIn(victimBuckets, "due");
      as(two(), "integration", "system").commit(due, List.of(Map.of("op", "offer.issue", "offerId", "o-1", "title", "x",
          "originChannel", "email", "price", 5, "validUntil", Instant.now().plus(1, ChronoUnit.SECONDS).toString())));
      String relayed = customerIn(victimBuckets, "relay");
      redis("XADD", RedisKeys.outbox(new CustomerKey(tenant, relayed)), "*", "e",
          JournalRelayIT.entry(tenant, relayed, relayed + "@example.com"));

      JsonNode end = watcher.await(f -> "engagement.end".equals(f.path("op").asText()), "engagement.end from the bucket's new holder",
          Duration.ofSeconds(6));
      assertEquals(start.path("data").path("engagementId").asText(), end.path("data").path("engagementId").asText());
      await().atMost(TAKEOVER).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertFair(shared.keySet()));
      await().atMost(TAKEOVER).pollInterval(Duration.ofMillis(250)).until(() -> as(three(), "agent", "voice").history(due).stream()
          .anyMatch(c -> "offer.expire".equals(c.path("op").asText())));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> Journal.versions(tenant, relayed).equals(List.of(1L)));
    }
  }

  /** Every bucket held, only by the given nodes, none of them above ceil(128 / n). */
  private void assertFair(Set<String> live) {
    Map<Integer, String> owners = bucketOwners();
    List<Integer> unowned = new ArrayList<>();
    for (int b = 0; b < RedisKeys.BUCKETS; b++) if (owners.get(b) == null) unowned.add(b);
    assertEquals(List.of(), unowned, "buckets without a holder");
    Set<String> holders = new TreeSet<>(owners.values());
    assertTrue(live.containsAll(holders), "holders " + holders + " are live nodes " + live);
    int share = (RedisKeys.BUCKETS + live.size() - 1) / live.size();
    for (String node : live) assertTrue(countOf(owners, node) <= share, node + " holds " + countOf(owners, node) + " > " + share);
  }

  private static long countOf(Map<Integer, String> owners, String node) { return owners.values().stream().filter(node::equals).count(); }

  private static Set<Integer> bucketsOf(Map<Integer, String> owners, String node) {
    Set<Integer> out = new TreeSet<>();
    owners.forEach((b, n) -> { if (node.equals(n)) out.add(b); });
    return out;
  }


  /** What a node's gauge says it holds, by its node name. */
  static Map<String, Long> owned(Nodes.Node node) {
    Map<String, Long> out = new HashMap<>();
    Matcher m = OWNED.matcher(Client.text(node.base().resolve("/q/metrics")));
    while (m.find()) out.put(m.group(1), (long) Double.parseDouble(m.group(2)));
    assertEquals(1, out.size(), node.name() + " reports its own buckets: " + out);
    return out;
  }

  private static Map<String, Nodes.Node> nodeIds(List<Nodes.Node> nodes) {
    Map<String, Nodes.Node> out = new TreeMap<>();
    for (Nodes.Node n : nodes) out.put(owned(n).keySet().iterator().next(), n);
    return out;
  }

  /** A fresh customer id of this tenant whose bucket is one of the given ones. */
  private String customerIn(Set<Integer> buckets, String prefix) {
    for (int i = 0; i < 100_000; i++) {
      String id = Tokens.newId(prefix);
      if (buckets.contains(RedisKeys.bucket(new CustomerKey(tenant, id)))) return id;
    }
    throw new IllegalStateException("no customer id found in buckets " + buckets);
  }
}
