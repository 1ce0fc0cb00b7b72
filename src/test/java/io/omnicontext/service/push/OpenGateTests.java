package io.omnicontext.service.push;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpenGateTests {
  private final OpenGate gate = new OpenGate(2, 3);
  private final List<UniEmitter<? super String>> opening = new ArrayList<>();
  private final List<String> started = new ArrayList<>();

  /** An open that stays running until the test completes its emitter. */
  private Uni<String> open(String name) {
    return gate.run(() -> Uni.createFrom().emitter(em -> {
      started.add(name);
      opening.add(em);
    }));
  }

  @Test
  void at_most_in_flight_opens_run_and_the_others_start_in_order_as_slots_free() {
    List<String> done = new ArrayList<>();
    for (String n : List.of("a", "b", "c", "d")) open(n).subscribe().with(done::add, e -> {});
    assertEquals(List.of("a", "b"), started, "two at once");
    assertArrayEquals(new int[] {2, 2}, gate.load());
    opening.get(0).complete("a");
    assertEquals(List.of("a", "b", "c"), started, "a's slot goes to c, the first waiting");
    opening.get(1).fail(new IllegalStateException("redis away"));
    assertEquals(List.of("a", "b", "c", "d"), started, "a failed open frees its slot too");
    opening.get(2).complete("c");
    opening.get(3).complete("d");
    assertEquals(List.of("a", "c", "d"), done);
    assertArrayEquals(new int[] {0, 0}, gate.load(), "every slot given back");
  }

  @Test
  void past_the_queue_bound_an_open_is_refused_unavailable() {
    for (String n : List.of("a", "b", "c", "d", "e")) open(n).subscribe().with(x -> {});
    AtomicReference<Throwable> refused = new AtomicReference<>();
    open("f").subscribe().with(x -> {}, refused::set);
    Refusal r = assertInstanceOf(Refusal.class, refused.get());
    assertEquals(Reason.UNAVAILABLE, r.reason());
    assertEquals(List.of("a", "b"), started);
  }

  @Test
  void an_open_cancelled_while_it_waited_never_runs_and_holds_no_slot() {
    open("a").subscribe().with(x -> {});
    open("b").subscribe().with(x -> {});
    Cancellable c = open("c").subscribe().with(x -> {});
    open("d").subscribe().with(x -> {});
    c.cancel();
    opening.get(0).complete("a");
    assertEquals(List.of("a", "b", "d"), started, "c was skipped: its screen went away");
    assertArrayEquals(new int[] {2, 0}, gate.load(), "b and d run; nothing waits");
  }
}
