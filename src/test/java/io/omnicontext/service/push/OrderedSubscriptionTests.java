package io.omnicontext.service.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.omnicontext.ops.LiveMetrics;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Which items an ordered subscription sends as live deliveries, as replays, or drops as stale. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OrderedSubscriptionTests {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LiveMetrics metrics = new LiveMetrics(registry, () -> 0);
  private final List<String> sent = new ArrayList<>();
  /** What the log answers to a gap fill. */
  private List<Long> log = List.of();

  private final OrderedSubscription<Long> sub = new OrderedSubscription<>(null) {
    @Override long position(Long item) { return item; }
    @Override void send(Long item, boolean live) { sent.add(item + (live ? " live" : " replay")); }
    @Override Uni<Optional<List<Long>>> missedAfter(long position) {
      return Uni.createFrom().item(Optional.of(log.stream().filter(p -> p > position).toList()));
    }
    @Override LiveMetrics metrics() { return metrics; }
    @Override void leave() {}
    @Override String describe() { return "test"; }
    @Override public Uni<Void> open(String requestId, Long after) { return Uni.createFrom().voidItem(); }
  };

  private double stale() { return registry.get("omnicontext.frames.dropped").tag("reason", "stale").counter().count(); }

  @Test
  void a_resume_replay_is_not_sent_as_live_so_it_does_not_sample_the_push_latency() {
    synchronized (sub) { sub.goLive(3, List.of(4L, 5L)); }
    sub.deliver(List.of(6L));
    assertEquals(List.of("4 replay", "5 replay", "6 live"), sent); // defect: a 30 s late resume sampled 30 s per change
  }

  @Test
  void a_gap_fill_is_a_replay_and_what_the_feed_brings_after_it_is_live() {
    synchronized (sub) { sub.goLive(0, List.of()); }
    log = List.of(1L, 2L);
    sub.deliver(List.of(2L, 3L)); // 1 was lost: filled from the log (2 comes from both)
    assertEquals(List.of("1 replay", "2 replay", "3 live"), sent);
  }

  @Test
  void an_item_already_sent_is_dropped_and_counted_as_stale() {
    synchronized (sub) { sub.goLive(0, List.of()); }
    sub.deliver(List.of(1L, 2L));
    sub.deliver(List.of(2L));
    assertEquals(List.of("1 live", "2 live"), sent);
    assertEquals(1, stale()); // defect: frames_dropped{reason="stale"} never counted
  }
}
