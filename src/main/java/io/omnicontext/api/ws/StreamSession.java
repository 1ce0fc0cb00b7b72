package io.omnicontext.api.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.omnicontext.api.auth.Principal;
import io.omnicontext.config.LogSafe;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.Channels;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.HandoffOps;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.Presence;
import io.omnicontext.service.Engagements;
import io.omnicontext.service.push.Frames;
import io.omnicontext.service.push.Session;
import io.omnicontext.service.push.Subscription;
import io.omnicontext.service.push.Subscriptions;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One WebSocket connection: decodes client frames, keeps its subscriptions (customer or team), the
 * engagements it started (ended when it closes) and closes itself with 4401 when its token expires.
 */
final class StreamSession implements Session {
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

  StreamSession(WebSocketConnection connection, Principal principal, Subscriptions subscriptions, Engagements engagementService,
      Frames frames, Vertx vertx) {
    this.connection = connection;
    this.principal = principal;
    this.subscriptions = subscriptions;
    this.engagementService = engagementService;
    this.frames = frames;
    this.vertx = vertx;
  }

  void start() {
    long ms = Math.max(1, Duration.between(Instant.now(), principal.expiresAt()).toMillis());
    expiryTimer = vertx.setTimer(ms, id -> closeWith(CloseCode.AUTH));
  }

  @Override public Audience audience() { return principal.audience(); }

  @Override
  public void send(Kind kind, long position, String frame) {
    connection.sendText(frame).subscribe().with(x -> {}, err -> Log.debugf("send failed connection=%s: %s", connection.id(), err.getMessage()));
  }

  @Override
  public void resync(String reason) {
    Log.infof("closing for resume connection=%s: %s", connection.id(), reason);
    closeWith(CloseCode.RESUME);
  }

  void handle(String text) {
    JsonNode frame;
    try {
      frame = frames.read(text, JsonNode.class);
    } catch (RuntimeException e) {
      error(null, new Refusal(Reason.BAD_REQUEST, "a frame must be one JSON object"));
      return;
    }
    String id = frame.path("id").isValueNode() ? frame.path("id").asText() : null;
    try {
      switch (frame.path("type").asText("")) {
        case "subscribe" -> subscribe(id, frame);
        case "unsubscribe" -> unsubscribe(id, frame);
        case "ping" -> control("pong", id, Map.of());
        case "engage" -> engage(id, frame);
        default -> throw Refusal.badRequest("unknown frame type \"" + frame.path("type").asText("") + "\" (subscribe, unsubscribe, ping, engage)");
      }
    } catch (Refusal r) {
      error(id, r);
    }
  }

  private void subscribe(String id, JsonNode frame) {
    Long after = after(frame);
    String topic = topicOf(frame);
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
      error(id, err instanceof Refusal r ? r : new Refusal(Reason.UNAVAILABLE, "could not subscribe now; retry"));
    });
  }

  private void unsubscribe(String id, JsonNode frame) {
    String topic = topicOf(frame);
    Subscription sub = subscribed.remove(topic);
    if (sub != null) sub.close();
    Map<String, Object> body = new LinkedHashMap<>();
    if (frame.has("team")) body.put("team", frame.path("team").asText());
    else body.put("customerId", frame.path("customerId").asText());
    if (frame.has("reach")) body.put("reach", frame.path("reach"));
    control("unsubscribed", id, body);
  }

  /** "c:<id>" or "t:<team>", validated and authorized. */
  private String topicOf(JsonNode frame) {
    if (frame.has("team")) {
      String team = frame.path("team").asText("");
      if (!principal.isStaff()) throw new Refusal(Reason.FORBIDDEN, "customer tokens may not read team feeds");
      if (!HandoffOps.isTeam(team)) throw Refusal.badRequest("team must be area:name such as store:branch-X");
      return "t:" + team;
    }
    if (frame.has("reach")) {
      if (!principal.isStaff()) throw new Refusal(Reason.FORBIDDEN, "customer tokens may not subscribe to reach");
      JsonNode reach = frame.path("reach");
      return "r:" + readable(frame) + ":" + reach.path("purpose").asText("") + ":" + reach.path("channel").asText("");
    }
    return "c:" + readable(frame);
  }

  private String readable(JsonNode frame) {
    String customerId = frame.path("customerId").asText("");
    if (customerId.isEmpty()) throw Refusal.badRequest("customerId (or team) is required");
    if (!CustomerKey.isCustomerId(customerId)) throw Refusal.badRequest("customerId is not a valid id");
    if (!principal.mayRead(customerId)) throw new Refusal(Reason.FORBIDDEN, "this token may not read customer " + customerId);
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
    String customerId = readable(frame);
    String channel = frame.path("channel").asText(principal.channel());
    if (!Channels.isChannel(channel)) throw Refusal.badRequest("channel must be one of " + String.join(", ", Channels.ALL));
    String activity = frame.path("activity").asText("engaged");
    if (activity.isBlank() || activity.length() > 128) throw Refusal.badRequest("activity must be 1..128 characters");
    engagementService.start(principal.key(customerId), channel, activity, principal.actor()).subscribe().with(started -> {
      engagements.add(started.lease());
      // closed while it started: close() did not see this lease, so end it here (added first, so never missed)
      if (!open) engagementService.end(started.lease()).subscribe().with(x -> {}, x -> {});
      else if (!subscribed.containsKey("c:" + customerId)) answer(started.commit()); // subscribed: the feed delivers it, once
    }, err -> error(id, err instanceof Refusal r ? r : new Refusal(Reason.UNAVAILABLE, "could not engage now; retry")));
  }

  private void answer(Commit commit) {
    commit.changes().forEach(c -> send(Kind.CHANGE, c.version(), frames.delivery(c).frame(audience())));
  }

  private void control(String type, String id, Map<String, Object> members) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("type", type);
    f.put("id", id);
    f.putAll(members);
    connection.sendText(frames.write(f)).subscribe().with(x -> {}, x -> {});
  }

  private void error(String id, Refusal r) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("code", WsErrors.code(r.reason()));
    f.put("message", r.getMessage());
    control("error", id, f);
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
        .subscribe().with(x -> {}, err -> Log.warnf("engagement %s not ended now (its lease ends it): %s", lease.engagementId(), err.getMessage())));
    engagements.clear();
  }
}
