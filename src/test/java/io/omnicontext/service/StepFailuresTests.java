package io.omnicontext.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StepFailuresTests {
  private final StepFailures failures = new StepFailures("test step");

  @Test
  void a_failing_run_completes_so_the_scheduler_has_nothing_to_log_and_the_next_run_is_the_retry() {
    AtomicInteger runs = new AtomicInteger();
    Uni<Void> failing = Uni.createFrom().item(runs::incrementAndGet).chain(n -> Uni.createFrom().failure(new IllegalStateException("redis away")));
    assertNull(failures.watch(failing).await().atMost(Duration.ofSeconds(1)));
    assertNull(failures.watch(failing).await().atMost(Duration.ofSeconds(1)));
    assertEquals(2, runs.get(), "each run ran its step");
  }

  @Test
  void a_run_that_works_passes_through() {
    AtomicInteger runs = new AtomicInteger();
    assertNull(failures.watch(Uni.createFrom().item(runs::incrementAndGet)).await().atMost(Duration.ofSeconds(1)));
    assertEquals(1, runs.get());
  }
}
