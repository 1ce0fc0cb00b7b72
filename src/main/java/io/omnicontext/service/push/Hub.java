package io.omnicontext.service.push;

import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.ops.Traces;
import io.omnicontext.ops.FeedTrace;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.omnicontext.wire.Frames;
import io.omnicontext.wire.ServerFrame;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.omnicontext.config.JsonCodec;
import io.omnicontext.config.LogSafe;
import io.omnicontext.domain.Change;
import io.omnicontext.port.ChangeFeed;
import io.omnicontext.port.Topic;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's subscriptions by topic. It follows a topic on the feed while at least one local
 * subscription wants it, parses each published message once and hands it to every local
 * subscription of the topic.
 */
@ApplicationScoped
public class Hub {
  private static final TypeReference<List<Change>> CHANGES = new TypeReference<>() {};

  private final ChangeFeed feed;
  private final JsonCodec json;
  private final Frames frames;
  private final Map<Topic, Set<Subscription>> local = new ConcurrentHashMap<>();
  /** Reads of a topic's log after a position, shared by the subscriptions that need the same one. */
  private final SharedReads<Position, Object> logReads = new SharedReads<>();

  /** A topic and a position in it (version or seq). */
  private record Position(Topic topic, long after) {}

  private final LiveMetrics metrics;
  private final Traces traces;
  private final java.time.Clock clock;

  public Hub(ChangeFeed feed, JsonCodec json, Frames frames, LiveMetrics metrics, Traces traces, java.time.Clock clock) {
    this.clock = clock;
    this.metrics = metrics;
    this.traces = traces;
    this.feed = feed;
    this.json = json;
    this.frames = frames;
  }

  void start(@Observes StartupEvent e) {
    feed.onMessage(this::publish);
    feed.onGap(this::recheck);
  }

  /** Completes once the feed follows the topic, so nothing committed from now on is missed. */
  public Uni<Void> join(Topic topic, Subscription s) {
    local.compute(topic, (t, subs) -> {
      Set<Subscription> set = subs == null ? ConcurrentHashMap.newKeySet() : subs;
      set.add(s);
      return set;
    });
    return feed.follow(topic).onFailure().invoke(() -> leave(topic, s));
  }

  public void leave(Topic topic, Subscription s) {
    local.computeIfPresent(topic, (t, subs) -> {
      subs.remove(s);
      if (!subs.isEmpty()) return subs;
      feed.unfollow(t).subscribe().with(x -> {}, err -> Log.debugf("unfollow %s failed: %s", t, LogSafe.failure(err)));
      return null;
    });
  }

  public int topics() { return local.size(); }

  /** The feed may have lost messages of this topic: its local subscriptions fill the gap from the log. */
  private void recheck(Topic topic) {
    Set<Subscription> subs = local.get(topic);
    if (subs != null) subs.forEach(Subscription::recheck);
  }

  LiveMetrics metrics() { return metrics; }

  /** The node's one clock (quiet hours, push latency). */
  java.time.Clock clock() { return clock; }

  /**
   * What a topic's log holds after a position, read once however many local subscriptions ask at the same
   * time (a reconnect's gap fill, a resume storm).
   */
  @SuppressWarnings("unchecked")
  <T> Uni<T> sharedRead(Topic topic, long after, java.util.function.Supplier<Uni<T>> read) {
    return (Uni<T>) logReads.get(new Position(topic, after), () -> read.get().map(v -> (Object) v));
  }

  /**
   * One feed message handed to this node's subscriptions, as the span {@code omnicontext.push}: a trace of its own
   * (one push serves many writes' subscribers and outlives none of them), linked to the commit's trace when the
   * committing node stamped the message ({@link FeedTrace}), and named by the same customer hash and versions.
   */
  private void publish(Topic topic, String stamped) {
    Set<Subscription> subs = local.get(topic);
    if (subs == null || subs.isEmpty()) return;
    SpanContext commit = FeedTrace.of(stamped);
    String payload = commit.isValid() ? FeedTrace.changes(stamped) : stamped;
    var builder = traces.builder("omnicontext.push").setNoParent();
    if (commit.isValid()) builder.addLink(commit);
    Span span = builder.startSpan();
    try {
      deliver(topic, payload, subs, span);
    } finally {
      span.end();
    }
  }

  private void deliver(Topic topic, String payload, Set<Subscription> subs, Span span) {
    if (span.isRecording()) {
      span.setAttribute(Traces.SUBSCRIPTIONS, (long) subs.size());
      span.setAttribute("omnicontext.topic.kind", topic.team() ? "team" : "customer");
      if (!topic.team()) span.setAttribute(Traces.CUSTOMER, traces.customerHash(topic.customerKey()));
    }
    Object message;
    try {
      if (!topic.team() && payload.startsWith("{")) { // the customer was erased: its subscriptions end
        subs.forEach(Subscription::erased);
        return;
      }
      if (topic.team()) {
        message = teamFrame(payload);
      } else {
        List<Change> changes = json.read(payload, CHANGES);
        if (span.isRecording() && !changes.isEmpty()) {
          span.setAttribute(Traces.FIRST_VERSION, changes.get(0).version());
          span.setAttribute(Traces.LAST_VERSION, changes.get(changes.size() - 1).version());
          span.setAttribute(Traces.OPS, Traces.opNames(changes.stream().map(Change::op).toList()));
        }
        message = frames.deliveries(changes);
      }
    } catch (RuntimeException e) {
      Traces.failed(span, e);
      Log.errorf("feed message on %s not understood: %s", topic, LogSafe.failure(e)); // the message may quote the payload
      return;
    }
    subs.forEach(s -> s.deliver(message));
  }

  /** A team feed message is one frame: read for its seq, forwarded as published. */
  private List<TeamSubscription.SeqFrame> teamFrame(String payload) {
    return List.of(new TeamSubscription.SeqFrame(json.read(payload, JsonNode.class).path("seq").asLong(), payload));
  }
}
