package io.omnicontext.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.config.SteppedClock;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.OpParser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sweeper on a stepped clock: what falls due is decided by the injected clock, so no test sleeps for it. */
class ExpirySweeperTests {
  private static final Instant T0 = Instant.parse("2031-05-06T10:00:00Z"); // far from the wall clock: a wall-clock read shows
  private static final CustomerKey KEY = new CustomerKey("acme", "c-1");
  private static final Actor CLERK = new Actor("clerk-3", "store");

  private final SteppedClock clock = new SteppedClock(T0);
  private final TimeFakes.Commits commits = new TimeFakes.Commits(clock);
  private final TimeFakes.Due due = new TimeFakes.Due();
  private final ExpirySweeper sweeper = new ExpirySweeper(due, commits.store(), commits,
      TimeFakes.config(OmnicontextConfig.class, Map.of("sweep.batch", 100)), null, clock);

  private void hold(String id, Instant until) {
    var op = Map.<String, Object>of("op", "reservation.hold", "reservationId", id, "sku", "SKU-1", "storeId", "store-9", "until", until.toString());
    commits.commitPlanned(KEY, ctx -> OpParser.parse(List.of(op)), CLERK, null).await().indefinitely();
  }

  private String status(String reservationId) { return commits.contexts.get(KEY).reservations().get(reservationId).status(); }

  /** Guards a sweeper that expires early, or reads the wall clock rather than the bean (then the hold never expires here). */
  @Test
  void a_hold_expires_once_the_clock_passes_its_until_and_not_before() {
    hold("r-1", T0.plus(Duration.ofHours(2)));
    due.schedule(KEY, T0);

    sweeper.sweep(Set.of(0)).await().indefinitely();
    assertEquals("held", status("r-1"), "nothing is due at T0");
    assertEquals(T0.plus(Duration.ofHours(2)), due.at.get(KEY), "the entry moves to the hold's end");

    clock.step(Duration.ofHours(2).minusSeconds(1));
    sweeper.sweep(Set.of(0)).await().indefinitely();
    assertEquals("held", status("r-1"), "one second before its end the hold stands");

    clock.step(Duration.ofSeconds(1));
    sweeper.sweep(Set.of(0)).await().indefinitely();
    assertEquals("expired", status("r-1"));
    assertEquals(List.of("reservation.hold", "reservation.expire"), commits.committedOps, "expired exactly once");
    assertFalse(due.at.containsKey(KEY), "nothing else is due for the customer");
  }
}
