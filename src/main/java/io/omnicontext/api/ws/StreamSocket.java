package io.omnicontext.api.ws;

import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.api.auth.Principal;
import io.omnicontext.api.limits.RateLimits;
import io.omnicontext.service.Engagements;
import io.omnicontext.wire.Frames;
import io.omnicontext.service.push.SendQueue;
import io.omnicontext.service.push.Subscriptions;
import io.omnicontext.service.push.OpenSessions;
import io.omnicontext.health.Draining;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;

/** GET /v1/stream: thin on purpose; each connection's work is its {@link StreamSession}. */
@WebSocket(path = "/v1/stream")
public class StreamSocket {
  private static final TypedKey<StreamSession> SESSION = new TypedKey<>("omnicontext.session");

  private final Subscriptions subscriptions;
  private final Engagements engagements;
  private final Frames frames;
  private final Vertx vertx;
  private final SendQueue.Bounds bounds;
  private final OpenSessions open;
  private final Draining draining;
  private final LiveMetrics metrics;
  private final RateLimits limits;
  private final java.time.Clock clock;

  public StreamSocket(Subscriptions subscriptions, Engagements engagements, Frames frames, Vertx vertx,
      io.omnicontext.config.OmnicontextConfig config, OpenSessions open, Draining draining, LiveMetrics metrics, RateLimits limits,
      java.time.Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
    this.open = open;
    this.draining = draining;
    this.limits = limits;
    this.bounds = new SendQueue.Bounds(config.push().maxQueuedFrames(), config.push().maxQueuedBytes());
    this.subscriptions = subscriptions;
    this.engagements = engagements;
    this.frames = frames;
    this.vertx = vertx;
  }

  @OnOpen
  public void open(WebSocketConnection connection) {
    if (draining.draining() || open.full()) { // this node is going away, or full: reconnect elsewhere
      connection.close(CloseCode.RESUME.reason()).subscribe().with(x -> {}, x -> {});
      return;
    }
    Principal principal = connection.userData().get(TokenUpgradeCheck.PRINCIPAL); // verified by the upgrade check
    if (principal == null) {
      connection.close(CloseCode.AUTH.reason()).subscribe().with(x -> {}, x -> {});
      return;
    }
    if (!limits.connectionOpened(principal)) {
      metrics.rateLimited(LiveMetrics.RateScope.WS_CONNECTIONS);
      connection.close(CloseCode.TOO_MANY_CONNECTIONS.reason()).subscribe().with(x -> {}, x -> {});
      return;
    }
    StreamSession session = new StreamSession(connection, principal, subscriptions, engagements, frames, vertx, bounds, metrics, limits, clock);
    connection.userData().put(SESSION, session);
    open.opened(session);
    metrics.connectionOpened(LiveMetrics.Transport.WEBSOCKET);
    session.start();
  }

  @OnTextMessage
  public void message(WebSocketConnection connection, String text) {
    StreamSession session = connection.userData().get(SESSION);
    if (session != null) session.handle(text);
  }

  @OnClose
  public void close(WebSocketConnection connection) {
    StreamSession session = connection.userData().remove(SESSION);
    if (session == null) return;
    open.closed(session);
    metrics.connectionClosed(LiveMetrics.Transport.WEBSOCKET);
    session.close();
    limits.connectionClosed(session.principal());
  }

  @OnError
  public void error(WebSocketConnection connection, Throwable t) {
    StreamSession session = connection.userData().get(SESSION);
    if (session != null) session.failed(t);
  }
}
