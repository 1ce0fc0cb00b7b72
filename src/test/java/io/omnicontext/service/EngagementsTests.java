package io.omnicontext.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicontext.config.SteppedClock;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.CustomerKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Engagement leases on a stepped clock: one node (A) holds an engagement, another (B, holding the customer's bucket)
 * sweeps; sharing the presence and the contexts, as two nodes share Redis.
 */
class EngagementsTests {
  private static final Instant T0 = Instant.parse("2031-05-06T10:00:00Z");
  private static final CustomerKey KEY = new CustomerKey("acme", "c-1");
  private static final Actor AGENT = new Actor("agent-7", "voice");

  private final SteppedClock clock = new SteppedClock(T0);
  private final TimeFakes.Commits commits = new TimeFakes.Commits(clock);
  private final TimeFakes.Leases presence = new TimeFakes.Leases();
  private final Engagements nodeA = new Engagements(commits, presence, null, clock);
  private final Engagements nodeB = new Engagements(commits, presence, null, clock);

  private String started() { return nodeA.start(KEY, "voice", "on-call", AGENT).await().indefinitely().lease().engagementId(); }

  private String status(String engagementId) { return commits.contexts.get(KEY).engagements().get(engagementId).status(); }

  private void sweepOnB() { nodeB.sweep(Set.of(0)).await().indefinitely(); }

  /** Guards a sweep that ends engagements whose node is alive (renewing), or never ends a dead node's. */
  @Test
  void a_renewed_lease_outlives_its_first_term_and_an_abandoned_one_ends_after_it() {
    String id = started();
    clock.step(Duration.ofSeconds(2));
    nodeA.renew().await().indefinitely(); // A is alive: the lease now runs to T0 + 5 s
    clock.step(Duration.ofSeconds(2));
    sweepOnB();
    assertEquals("active", status(id), "renewed at T0+2s, the lease stands at T0+4s");

    // A dies: no renewal from now on.
    clock.step(Duration.ofSeconds(1));
    sweepOnB();
    assertEquals("active", status(id), "at its very end the lease still stands");
    clock.step(Duration.ofMillis(1));
    sweepOnB();
    assertEquals("ended", status(id), "just past its end the bucket's holder ends it");
    assertTrue(presence.until.isEmpty(), "the lease is cleared");

    sweepOnB();
    assertEquals(1, commits.committedOps.stream().filter("engagement.end"::equals).count(), "ended once");
  }

  /** Guards an engagement whose connection closed but stays active until a sweep, or is ended twice. */
  @Test
  void a_closed_connection_ends_its_engagement_at_once_and_the_sweep_has_nothing_left() {
    var started = nodeA.start(KEY, "voice", "on-call", AGENT).await().indefinitely();
    nodeA.end(started.lease()).await().indefinitely();
    assertEquals("ended", status(started.lease().engagementId()));
    assertFalse(presence.until.containsKey(started.lease()));
    clock.step(Duration.ofSeconds(10));
    sweepOnB();
    assertEquals(1, commits.committedOps.stream().filter("engagement.end"::equals).count());
  }
}
