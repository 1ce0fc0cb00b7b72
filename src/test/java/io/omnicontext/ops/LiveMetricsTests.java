package io.omnicontext.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.omnicontext.domain.OpParser;
import io.omnicontext.ops.LiveMetrics.DropReason;
import io.omnicontext.ops.LiveMetrics.RateScope;
import io.omnicontext.ops.LiveMetrics.Store;
import io.omnicontext.ops.LiveMetrics.SubscriptionKind;
import io.omnicontext.ops.LiveMetrics.Transport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LiveMetricsTests {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong lag = new AtomicLong();
  private final LiveMetrics metrics = new LiveMetrics(registry, lag::get);

  private double gauge(String name, String key, String value) { return registry.get(name).tag(key, value).gauge().value(); }

  private double counter(String name, String key, String value) { return registry.get(name).tag(key, value).counter().count(); }

  private double counter(String name) { return registry.get(name).counter().count(); }

  @Test
  void every_series_exists_with_every_known_tag_value_before_any_traffic() {
    for (Transport t : Transport.values()) {
      assertEquals(0, gauge("omnicontext.connections", "kind", LiveMetrics.tag(t)));
      assertEquals(0, counter("omnicontext.frames.sent", "transport", LiveMetrics.tag(t)));
    }
    for (SubscriptionKind k : SubscriptionKind.values()) assertEquals(0, gauge("omnicontext.subscriptions", "kind", LiveMetrics.tag(k)));
    for (String op : OpParser.names()) assertEquals(0, counter("omnicontext.changes.committed", "op", op), op);
    for (DropReason r : DropReason.values()) assertEquals(0, counter("omnicontext.frames.dropped", "reason", LiveMetrics.tag(r)));
    for (Store s : Store.values()) assertEquals(0, counter("omnicontext.store.errors", "store", LiveMetrics.tag(s)));
    for (RateScope s : RateScope.values()) assertEquals(0, counter("omnicontext.rate.limited", "scope", LiveMetrics.tag(s)));
    for (String name : new String[] {"omnicontext.slow.consumers.closed", "omnicontext.feed.reconnects", "omnicontext.gap.fills",
        "omnicontext.journal.relay.errors"}) {
      assertEquals(0, counter(name), name);
    }
    assertNotNull(registry.get("omnicontext.push.latency").timer());
    assertEquals(0, registry.get("omnicontext.journal.lag").gauge().value());
  }

  @Test
  void the_known_tag_values_are_the_documented_ones() {
    assertEquals("websocket", LiveMetrics.tag(Transport.WEBSOCKET));
    assertEquals("queue_full", LiveMetrics.tag(DropReason.QUEUE_FULL));
    assertEquals("postgres", LiveMetrics.tag(Store.POSTGRES));
    assertEquals("rest_writes", LiveMetrics.tag(RateScope.REST_WRITES));
    assertEquals(true, OpParser.names().contains("offer.redeem") && OpParser.names().contains("handoff.overdue")
        && OpParser.names().contains("customer.merge"), "client, server and merge ops: " + OpParser.names());
  }

  @Test
  void connections_and_subscriptions_are_gauges_per_kind_that_go_up_and_down() {
    metrics.connectionOpened(Transport.WEBSOCKET);
    metrics.connectionOpened(Transport.WEBSOCKET);
    metrics.connectionOpened(Transport.SSE);
    metrics.connectionClosed(Transport.WEBSOCKET);
    metrics.subscriptionOpened(SubscriptionKind.TEAM);
    metrics.subscriptionOpened(SubscriptionKind.REACH);
    metrics.subscriptionClosed(SubscriptionKind.REACH);
    assertEquals(1, gauge("omnicontext.connections", "kind", "websocket"));
    assertEquals(1, gauge("omnicontext.connections", "kind", "sse"));
    assertEquals(1, gauge("omnicontext.subscriptions", "kind", "team"));
    assertEquals(0, gauge("omnicontext.subscriptions", "kind", "reach"));
    assertEquals(0, gauge("omnicontext.subscriptions", "kind", "customer"));
  }

  @Test
  void each_counter_counts_under_its_own_tag_only() {
    metrics.changeCommitted("offer.redeem");
    metrics.changeCommitted("offer.redeem");
    metrics.frameSent(Transport.SSE);
    metrics.frameDropped(DropReason.STALE);
    metrics.slowConsumerClosed();
    metrics.feedReconnected();
    metrics.gapFilled();
    metrics.gapFilled();
    metrics.relayError();
    metrics.storeError(Store.REDIS);
    metrics.rateLimited(RateScope.WS_MESSAGES);
    assertEquals(2, counter("omnicontext.changes.committed", "op", "offer.redeem"));
    assertEquals(0, counter("omnicontext.changes.committed", "op", "offer.issue"));
    assertEquals(1, counter("omnicontext.frames.sent", "transport", "sse"));
    assertEquals(0, counter("omnicontext.frames.sent", "transport", "websocket"));
    assertEquals(1, counter("omnicontext.frames.dropped", "reason", "stale"));
    assertEquals(0, counter("omnicontext.frames.dropped", "reason", "queue_full"));
    assertEquals(1, counter("omnicontext.slow.consumers.closed"));
    assertEquals(1, counter("omnicontext.feed.reconnects"));
    assertEquals(2, counter("omnicontext.gap.fills"));
    assertEquals(1, counter("omnicontext.journal.relay.errors"));
    assertEquals(1, counter("omnicontext.store.errors", "store", "redis"));
    assertEquals(0, counter("omnicontext.store.errors", "store", "postgres"));
    assertEquals(1, counter("omnicontext.rate.limited", "scope", "ws_messages"));
  }

  @Test
  void an_op_outside_the_known_set_still_counts() {
    metrics.changeCommitted("future.op");
    assertEquals(1, counter("omnicontext.changes.committed", "op", "future.op"));
  }

  @Test
  void push_latency_is_a_histogram_of_what_was_recorded() {
    metrics.pushLatency(Duration.ofMillis(3));
    metrics.pushLatency(Duration.ofMillis(40));
    metrics.pushLatency(Duration.ofMillis(-2)); // clocks of two nodes: never a negative sample
    var timer = registry.get("omnicontext.push.latency").timer();
    assertEquals(3, timer.count());
    assertEquals(43, timer.totalTime(TimeUnit.MILLISECONDS), 0.001);
    assertEquals(40, timer.max(TimeUnit.MILLISECONDS), 0.001);
  }

  @Test
  void journal_lag_reads_the_relay_at_each_scrape() {
    lag.set(42);
    assertEquals(42, registry.get("omnicontext.journal.lag").gauge().value());
  }
}
