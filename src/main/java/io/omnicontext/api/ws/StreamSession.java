package io.omnicontext.api.ws;

import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.ops.StoreFailures;
import com.fasterxml.jackson.databind.JsonNode;
import io.omnicontext.api.access.AccessPolicy;
import io.omnicontext.api.auth.Principal;
import io.omnicontext.api.limits.RateLimits;
import io.omnicontext.api.limits.TokenBucket;
import io.omnicontext.config.LogSafe;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.Channels;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.Presence;
import io.omnicontext.service.Engagements;
import io.omnicontext.wire.Frames;
import io.omnicontext.wire.ServerFrame;
import io.omnicontext.service.push.SendQueue;
import io.omnicontext.service.push.Session;
import io.omnicontext.service.push.Subscription;
import io.omnicontext.service.push.Subscriptions;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One WebSocket connection: decodes client frames, keeps its subscriptions (customer or team), the
 * engagements it started (ended when it closes) and closes itself with 4401 when its token expires.
 */
final class StreamSession implements Session, io.omnicontext.service.push.OpenSessions.Drainable {
  private final WebSocketConnection connection;
  private final Principal principal;
  private final Subscriptions subscriptions;
  private final Engagements engagementService;
  private final Frames frames;
  private final Vertx vertx;
  private final Map<String, Subscription> subscribed = new ConcurrentHashMap<>();
  private final Set<Presence.Lease> engagements = ConcurrentHashMap.newKeySet();
  private volatile boolean open = true;
  private long expiryTimer = -1;
  private final SendQueue queue;
  private final LiveMetrics metrics;
  private final RateLimits limits;
  private final TokenBucket frameRate;
  private final TokenBucket refusals;
  private final Clock clock;

  StreamSession(WebSocketConnection connection, Principal principal, Subscriptions subscriptions, Engagements engagementService,
      Frames frames, Vertx vertx, SendQueue.Bounds bounds, LiveMetrics metrics, RateLimits limits, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
    this.limits = limits;
    this.frameRate = limits.connectionFrames();
    this.refusals = limits.connectionRefusals();
    this.connection = connection;
    this.queue = new SendQueue(bounds, this::slowConsumer);
    this.principal = principal;
    this.subscriptions = subscriptions;
    this.engagementService = engagementService;
    this.frames = frames;
    this.vertx = vertx;
  }

  void start() {
    long ms = Math.max(1, Duration.between(clock.instant(), principal.expiresAt()).toMillis());
    expiryTimer = vertx.setTimer(ms, id -> closeWith(CloseCode.AUTH));
  }

  @Override public Audience audience() { return principal.audience(); }

  Principal principal() { return principal; }

  @Override
  public void send(Kind kind, long position, String frame) { write(frame); }

  @Override
  public void sendLive(Kind kind, long position, String frame, Runnable written) { write(frame, written); }

  private void write(String frame) { write(frame, null); }

  /** Every frame goes through the bounded queue: written now, counted until it is on the wire; then {@code written}. */
  private void write(String frame, Runnable written) {
    if (!open) {
      metrics.frameDropped(LiveMetrics.DropReason.CLOSED);
      return;
    }
    if (!queue.admit(frame)) {
      metrics.frameDropped(LiveMetrics.DropReason.QUEUE_FULL);
      return;
    }
    connection.sendText(frame).subscribe().with(x -> {
      queue.written(frame);
      metrics.frameSent(LiveMetrics.Transport.WEBSOCKET);
      if (written != null) written.run();
    }, err -> {
      queue.written(frame);
      metrics.frameDropped(LiveMetrics.DropReason.CLOSED);
    });
  }

  /** The client does not read what it is sent: close it (1013, resume later) before its queue grows further. */
  private void slowConsumer(String why) {
    Log.infof("closing a slow consumer connection=%s: %s", connection.id(), why);
    metrics.slowConsumerClosed();
    closeWith(CloseCode.RESUME);
  }

  /** The node drains: the client reconnects elsewhere and resumes with after. */
  @Override
  public void drain() { closeWith(CloseCode.RESUME); }

  @Override
  public void resync(String reason) {
    Log.infof("closing for resume connection=%s: %s", connection.id(), reason);
    closeWith(CloseCode.RESUME);
  }

  void handle(String text) {
    if (!admitted()) {
      rateLimited(text);
      return;
    }
    JsonNode frame;
    try {
      frame = frames.read(text, JsonNode.class);
    } catch (RuntimeException e) {
      error(null, new Refusal(Reason.BAD_REQUEST, "a frame must be one JSON object"));
      return;
    }
    String id = idOf(frame);
    try {
      switch (frame.path("type").asText("")) {
        case "subscribe" -> subscribe(id, frame);
        case "unsubscribe" -> unsubscribe(id, frame);
        case "ping" -> write(frames.write(new ServerFrame.Pong(id)));
        case "engage" -> engage(id, frame);
        default -> throw Refusal.badRequest("unknown frame type \"" + frame.path("type").asText("") + "\" (subscribe, unsubscribe, ping, engage)");
      }
    } catch (Refusal r) {
      error(id, r);
    } catch (AccessPolicy.Denied d) {
      error(id, new Refusal(Reason.FORBIDDEN, d.getMessage()));
    }
  }

  /** Within this connection's frame rate and its token's (omnicontext.limits.ws.*)? */
  private boolean admitted() {
    long now = System.nanoTime();
    return frameRate.take(now) == 0 && limits.wsFrame(principal);
  }

  /** Answers rate_limited while the refusal allowance lasts; a connection that keeps going past it is closed with 4403. */
  private void rateLimited(String text) {
    metrics.rateLimited(LiveMetrics.RateScope.WS_MESSAGES);
    if (refusals.take(System.nanoTime()) != 0) {
      Log.infof("closing connection=%s: rate limit exceeded", connection.id());
      closeWith(CloseCode.RATE_LIMITED);
      return;
    }
    String id;
    try {
      id = idOf(frames.read(text, JsonNode.class));
    } catch (RuntimeException e) {
      id = null;
    }
    error(id, new Refusal(Reason.RATE_LIMITED, "this connection sends frames faster than allowed; slow down or it is closed"));
  }

  private static String idOf(JsonNode frame) { return frame.path("id").isValueNode() ? frame.path("id").asText() : null; }

  private void subscribe(String id, JsonNode frame) {
    Long after = after(frame);
    String topic = topicOf(frame);
    if (!subscribed.containsKey(topic) && subscribed.size() >= limits.maxSubscriptions()) {
      metrics.rateLimited(LiveMetrics.RateScope.WS_SUBSCRIPTIONS);
      throw new Refusal(Reason.RATE_LIMITED, "a connection holds at most " + limits.maxSubscriptions() + " subscriptions; unsubscribe first");
    }
    Subscription old = subscribed.remove(topic);
    if (old != null) old.close();
    Subscription sub;
    if (frame.has("team")) sub = subscriptions.team(principal.tenant(), frame.path("team").asText(), this);
    else if (frame.has("reach")) {
      sub = subscriptions.reach(principal.key(frame.path("customerId").asText()), frame.path("reach").path("purpose").asText(""),
          frame.path("reach").path("channel").asText(""), this);
    } else sub = subscriptions.customer(principal.key(frame.path("customerId").asText()), this);
    subscribed.put(topic, sub);
    Uni.createFrom().deferred(() -> sub.open(id, after)).subscribe().with(x -> {}, err -> {
      subscribed.remove(topic, sub);
      sub.close();
      error(id, refusal(err, "could not subscribe now; retry"));
    });
  }

  private void unsubscribe(String id, JsonNode frame) {
    String topic = topicOf(frame);
    Subscription sub = subscribed.remove(topic);
    if (sub != null) sub.close();
    boolean team = frame.has("team");
    write(frames.write(new ServerFrame.Unsubscribed(id, team ? null : frame.path("customerId").asText(),
        team ? frame.path("team").asText() : null, frame.has("reach") ? frame.path("reach") : null)));
  }

  /** "c:<id>", "t:<team>" or "r:<id>:<purpose>:<channel>", validated and authorized by the access policy. */
  private String topicOf(JsonNode frame) {
    if (frame.has("team")) return "t:" + AccessPolicy.team(principal, frame.path("team").asText(""));
    if (frame.has("reach")) {
      JsonNode reach = frame.path("reach");
      return "r:" + AccessPolicy.reach(principal, customerIdOf(frame)).customerId() + ":" + reach.path("purpose").asText("") + ":"
          + reach.path("channel").asText("");
    }
    return "c:" + readable(frame);
  }

  private String readable(JsonNode frame) { return AccessPolicy.customer(principal, customerIdOf(frame)).customerId(); }

  /** The frame's customerId, well-formed (an ill-formed one is a bad frame here, not a hidden customer). */
  private static String customerIdOf(JsonNode frame) {
    String customerId = frame.path("customerId").asText("");
    if (customerId.isEmpty()) throw Refusal.badRequest("customerId (or team) is required");
    if (!CustomerKey.isCustomerId(customerId)) throw Refusal.badRequest("customerId is not a valid id");
    return customerId;
  }

  private static Long after(JsonNode frame) {
    if (!frame.has("after") || frame.get("after").isNull()) return null;
    if (!frame.get("after").canConvertToLong() || !frame.get("after").isIntegralNumber() || frame.get("after").asLong() < 0) {
      throw Refusal.badRequest("after must be a whole number >= 0");
    }
    return frame.get("after").asLong();
  }

  private void engage(String id, JsonNode frame) {
    String customerId = AccessPolicy.engage(principal, customerIdOf(frame)).customerId();
    String channel = frame.path("channel").asText(principal.channel());
    if (!Channels.isChannel(channel)) throw Refusal.badRequest("channel must be one of " + String.join(", ", Channels.ALL));
    String activity = frame.path("activity").asText("engaged");
    if (activity.isBlank() || activity.length() > 128) throw Refusal.badRequest("activity must be 1..128 characters");
    engagementService.start(principal.key(customerId), channel, activity, principal.actor()).subscribe().with(started -> {
      engagements.add(started.lease());
      // closed while it started: close() did not see this lease, so end it here (added first, so never missed)
      if (!open) engagementService.end(started.lease()).subscribe().with(x -> {}, x -> {});
      else if (!subscribed.containsKey("c:" + customerId)) answer(started.commit()); // subscribed: the feed delivers it, once
    }, err -> error(id, refusal(err, "could not engage now; retry")));
  }

  /** A failed call as the client sees it: its own refusal, or `unavailable` (a store away is counted as such). */
  private Refusal refusal(Throwable err, String unavailable) {
    if (err instanceof Refusal r) return r;
    StoreFailures.storeDown(err).ifPresent(metrics::storeError);
    return new Refusal(Reason.UNAVAILABLE, unavailable);
  }

  private void answer(Commit commit) {
    commit.changes().forEach(c -> send(Kind.CHANGE, c.version(), frames.delivery(c).frame(audience())));
  }

  private void error(String id, Refusal r) {
    write(frames.write(new ServerFrame.Error(id, WsErrors.code(r.reason()), r.getMessage())));
  }

  void failed(Throwable t) {
    Log.debugf("connection=%s error: %s", connection.id(), LogSafe.failure(t)); // a decoder's message may quote the frame
  }

  private void closeWith(CloseCode code) {
    if (connection.isOpen()) connection.close(code.reason()).subscribe().with(x -> {}, x -> {});
  }

  /** The connection closed: stop its subscriptions and end the engagements it started. */
  void close() {
    open = false;
    if (expiryTimer >= 0) vertx.cancelTimer(expiryTimer);
    subscribed.values().forEach(Subscription::close);
    subscribed.clear();
    engagements.forEach(lease -> engagementService.end(lease)
        .subscribe().with(x -> {}, err -> Log.warnf("engagement %s not ended now (its lease ends it): %s", lease.engagementId(), LogSafe.failure(err))));
    engagements.clear();
  }
}
