package io.omnicontext.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DrainingTests {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final Draining draining = new Draining(Duration.ofSeconds(20), Clock.fixed(T0, ZoneOffset.UTC));
  private final DrainingReadiness readiness = new DrainingReadiness(draining);

  @Test
  void a_node_that_has_not_started_draining_is_ready() {
    assertFalse(draining.draining());
    assertEquals(Status.UP, readiness.call().getStatus());
    assertEquals(false, readiness.call().getData().orElseThrow().get("draining"));
  }

  @Test
  void draining_turns_readiness_down_for_good_and_says_since_when() {
    assertTrue(draining.start(), "the first start starts it");
    assertFalse(draining.start(), "a second start changes nothing");
    assertTrue(draining.draining());
    var r = readiness.call();
    assertEquals(Status.DOWN, r.getStatus());
    assertEquals(T0.toString(), r.getData().orElseThrow().get("since"));
    assertEquals("PT20S", r.getData().orElseThrow().get("window"));
  }
}
