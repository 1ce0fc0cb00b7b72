package io.omnicontext.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.omnicontext.domain.OpParser;
import io.omnicontext.service.JournalRelay;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The live path's meters, on /q/metrics as Prometheus series (docs/operations.md lists them, the Grafana
 * dashboard k8s/grafana/omnicontext-dashboard.json draws them). Every series is registered at start-up
 * with all its known tag values, so a fresh node shows zeros rather than nothing. Each method is a counter
 * increment or a gauge step: cheap enough for the push path's event loops.
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class LiveMetrics {
  /** Where a connection or a frame goes. */
  public enum Transport { WEBSOCKET, SSE }

  /** What a subscription follows. */
  public enum SubscriptionKind { CUSTOMER, TEAM, REACH }

  /** Why a frame was not written. */
  public enum DropReason {
    /** its version (seq) was already sent on that subscription: a duplicate from the feed or a gap fill */
    STALE,
    /** the connection's send queue was full (its consumer is then closed as slow) */
    QUEUE_FULL,
    /** the connection was gone before the frame could be written */
    CLOSED
  }

  /** A store whose call failed. */
  public enum Store { REDIS, POSTGRES }

  /** Which limit refused a request or a frame. */
  public enum RateScope { REST_WRITES, WS_MESSAGES, WS_CONNECTIONS, WS_SUBSCRIPTIONS, SSE_STREAMS }

  private final MeterRegistry registry;
  private final Map<Transport, AtomicLong> connections = new EnumMap<>(Transport.class);
  private final Map<SubscriptionKind, AtomicLong> subscriptions = new EnumMap<>(SubscriptionKind.class);
  private final Map<String, Counter> committed = new ConcurrentHashMap<>();
  private final Map<Transport, Counter> sent = new EnumMap<>(Transport.class);
  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final Map<Store, Counter> storeErrors = new EnumMap<>(Store.class);
  private final Map<RateScope, Counter> rateLimited = new EnumMap<>(RateScope.class);
  private final Timer pushLatency;
  private final Counter slowConsumersClosed;
  private final Counter feedReconnects;
  private final Counter gapFills;
  private final Counter relayErrors;

  @Inject
  public LiveMetrics(MeterRegistry registry, JournalRelay relay) { this(registry, relay::lag); }

  /** journalLag: commits waiting in the outbox, as last measured. */
  public LiveMetrics(MeterRegistry registry, LongSupplier journalLag) {
    this.registry = registry;
    for (Transport t : Transport.values()) connections.put(t, gauge("omnicontext.connections", "open WebSocket and SSE connections", "kind", tag(t)));
    for (SubscriptionKind k : SubscriptionKind.values()) subscriptions.put(k, gauge("omnicontext.subscriptions", "open subscriptions", "kind", tag(k)));
    for (String op : OpParser.names()) committedCounter(op);
    pushLatency = Timer.builder("omnicontext.push.latency")
        .description("commit to socket write, per live change frame written (replays and gap fills are not sampled)")
        .publishPercentileHistogram()
        .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(250))
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    for (Transport t : Transport.values()) sent.put(t, counter("omnicontext.frames.sent", "frames written to connections", "transport", tag(t)));
    for (DropReason r : DropReason.values()) dropped.put(r, counter("omnicontext.frames.dropped", "frames not written", "reason", tag(r)));
    slowConsumersClosed = counter("omnicontext.slow.consumers.closed", "connections closed because they did not read");
    feedReconnects = counter("omnicontext.feed.reconnects", "reconnects of the Redis pub/sub feed");
    gapFills = counter("omnicontext.gap.fills", "gaps in a subscription filled from the log");
    Gauge.builder("omnicontext.journal.lag", journalLag, s -> s.getAsLong())
        .description("commits waiting in the outbox to be journaled in PostgreSQL").strongReference(true).register(registry);
    relayErrors = counter("omnicontext.journal.relay.errors", "journal relay steps that failed");
    for (Store s : Store.values()) storeErrors.put(s, counter("omnicontext.store.errors", "failed calls to a store", "store", tag(s)));
    for (RateScope s : RateScope.values()) rateLimited.put(s, counter("omnicontext.rate.limited", "requests and frames refused by a rate limit", "scope", tag(s)));
  }

  public void connectionOpened(Transport kind) { connections.get(kind).incrementAndGet(); }

  public void connectionClosed(Transport kind) { connections.get(kind).decrementAndGet(); }

  public void subscriptionOpened(SubscriptionKind kind) { subscriptions.get(kind).incrementAndGet(); }

  public void subscriptionClosed(SubscriptionKind kind) { subscriptions.get(kind).decrementAndGet(); }

  /** One committed change of this op (a request of N ops: N calls). */
  public void changeCommitted(String op) { committed.computeIfAbsent(op, this::committedCounter).increment(); }

  /** From a live change's commit (its `at`) to the write of its frame on one connection (not a replay, not a drop). */
  public void pushLatency(Duration sinceCommit) { pushLatency.record(sinceCommit.isNegative() ? Duration.ZERO : sinceCommit); }

  public void frameSent(Transport transport) { sent.get(transport).increment(); }

  public void frameDropped(DropReason reason) { dropped.get(reason).increment(); }

  public void slowConsumerClosed() { slowConsumersClosed.increment(); }

  public void feedReconnected() { feedReconnects.increment(); }

  public void gapFilled() { gapFills.increment(); }

  public void relayError() { relayErrors.increment(); }

  public void storeError(Store store) { storeErrors.get(store).increment(); }

  public void rateLimited(RateScope scope) { rateLimited.get(scope).increment(); }

  private Counter committedCounter(String op) { return counter("omnicontext.changes.committed", "committed changes", "op", op); }

  private AtomicLong gauge(String name, String description, String tagKey, String tagValue) {
    AtomicLong value = new AtomicLong();
    Gauge.builder(name, value, AtomicLong::get).description(description).tag(tagKey, tagValue).strongReference(true).register(registry);
    return value;
  }

  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /** WEBSOCKET -> "websocket", QUEUE_FULL -> "queue_full": the tag values the dashboard and alerts use. */
  static String tag(Enum<?> value) { return value.name().toLowerCase(Locale.ROOT); }
}
