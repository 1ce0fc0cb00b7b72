package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The probes Kubernetes uses (k8s/base/deployment.yaml), on a live node: which checks, which details. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HealthIT {
  private static final Map<String, Set<String>> READINESS = Map.of(
      "redis", Set.of("redis", "ms"),
      "change-feed", Set.of("connected"),
      "journal", Set.of("durability", "postgres", "lag", "max-ready-lag", "lag-within-bound"),
      "draining", Set.of("draining", "window"));
  /** Quarkus' own, present since the shutdown-delay phase is on (quarkus.shutdown.delay-enabled): DOWN while stopping. */
  private static final String GRACEFUL_SHUTDOWN = "Graceful Shutdown";

  private static Map<String, JsonNode> checks(String path, int status) {
    Http.Answer a = Http.get(Nodes.one().base().resolve(path));
    assertEquals(status, a.status(), path + " answered " + a.body());
    Map<String, JsonNode> byName = new HashMap<>();
    try {
      for (JsonNode c : Client.JSON.readTree(a.body()).path("checks")) byName.put(c.path("name").asText(), c);
    } catch (Exception e) {
      throw new AssertionError(path + " is not JSON: " + a.body(), e);
    }
    return byName;
  }

  @Test
  void readiness_is_redis_the_feed_the_journal_and_draining_each_with_its_details() {
    Map<String, JsonNode> ready = checks("/q/health/ready", 200);
    Set<String> names = new HashSet<>(READINESS.keySet());
    names.add(GRACEFUL_SHUTDOWN);
    assertEquals(names, ready.keySet(), "the Redis client's own check (with error text) is replaced by ours");
    assertEquals("UP", ready.get(GRACEFUL_SHUTDOWN).path("status").asText());
    for (var expected : READINESS.entrySet()) {
      JsonNode check = ready.get(expected.getKey());
      assertEquals("UP", check.path("status").asText(), check.toString());
      Set<String> keys = new HashSet<>();
      check.path("data").fieldNames().forEachRemaining(keys::add);
      assertEquals(expected.getValue(), keys, expected.getKey() + " details");
    }
    assertEquals(false, ready.get("draining").path("data").path("draining").asBoolean(true));
  }

  @Test
  void liveness_is_the_event_loops_and_never_a_database() {
    Map<String, JsonNode> live = checks("/q/health/live", 200);
    assertEquals(Set.of("event-loops"), live.keySet());
    assertTrue(live.get("event-loops").path("data").path("event-loops").asInt() >= 1);
  }

  @Test
  void startup_is_up_once_every_start_up_step_ran() {
    Map<String, JsonNode> started = checks("/q/health/started", 200);
    assertEquals(Set.of("started"), started.keySet());
    assertFalse(started.get("started").path("data").path("since").asText().isEmpty());
  }
}
