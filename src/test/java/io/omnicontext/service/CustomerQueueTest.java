package io.omnicontext.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CustomerQueueTest {
  private final CustomerQueue queue = new CustomerQueue();
  private final CustomerKey ada = new CustomerKey("t", "ada");
  private final List<String> started = new ArrayList<>();

  /** Work that records its start and finishes when the test completes its emitter. */
  private Uni<String> work(String name, AtomicReference<UniEmitter<? super String>> finish) {
    return Uni.createFrom().emitter(e -> {
      synchronized (started) { started.add(name); }
      finish.set(e);
    });
  }

  @Test
  void a_customers_second_commit_starts_only_when_the_first_ended() {
    AtomicReference<UniEmitter<? super String>> first = new AtomicReference<>(), second = new AtomicReference<>();
    var a = queue.run(ada, () -> work("first", first)).subscribeAsCompletionStage();
    var b = queue.run(ada, () -> work("second", second)).subscribeAsCompletionStage();
    assertEquals(List.of("first"), started);
    first.get().complete("1");
    assertEquals(List.of("first", "second"), started);
    second.get().complete("2");
    assertEquals("2", b.join());
    assertEquals("1", a.join());
    assertEquals(0, queue.busy(), "nothing left queued");
  }

  @Test
  void other_customers_do_not_wait_and_a_failure_lets_the_next_one_go() {
    AtomicReference<UniEmitter<? super String>> first = new AtomicReference<>(), other = new AtomicReference<>(), next = new AtomicReference<>();
    var a = queue.run(ada, () -> work("first", first)).subscribeAsCompletionStage();
    queue.run(new CustomerKey("t", "bob"), () -> work("bob", other)).subscribeAsCompletionStage();
    var c = queue.run(ada, () -> work("next", next)).subscribeAsCompletionStage();
    assertEquals(List.of("first", "bob"), started);
    first.get().fail(new IllegalStateException("version moved too often"));
    assertTrue(a.isCompletedExceptionally());
    assertEquals(List.of("first", "bob", "next"), started);
    next.get().complete("3");
    assertEquals("3", c.join());
  }

  @Test
  void a_waiter_that_gives_up_frees_its_turn() {
    AtomicReference<UniEmitter<? super String>> first = new AtomicReference<>(), later = new AtomicReference<>();
    queue.run(ada, () -> work("first", first)).subscribeAsCompletionStage();
    var impatient = queue.run(ada, () -> work("impatient", new AtomicReference<>()))
        .ifNoItem().after(Duration.ofMillis(20)).fail().subscribeAsCompletionStage();
    assertTrue(impatient.handle((v, e) -> e != null).join(), "it timed out waiting");
    var c = queue.run(ada, () -> work("later", later)).subscribeAsCompletionStage();
    assertFalse(started.contains("impatient"));
    first.get().complete("1");
    assertTrue(started.contains("later"), "the turn of the one that gave up passed on");
    later.get().complete("2");
    assertEquals("2", c.join());
  }
}
