package io.omnicontext.api.sse;

import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.api.access.AccessPolicy;
import io.omnicontext.api.limits.RateLimits;
import io.omnicontext.api.auth.Principal;
import io.omnicontext.api.rest.Caller;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Refusal;
import io.omnicontext.service.push.Session;
import io.omnicontext.service.push.Subscription;
import io.omnicontext.service.push.Subscriptions;
import io.omnicontext.service.push.OpenSessions;
import io.omnicontext.health.Draining;
import io.omnicontext.wire.Frames;
import io.omnicontext.wire.ServerFrame;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.time.Clock;

/**
 * Server-Sent Events fallback: the same subscription as the WebSocket, one customer per stream.
 * `id:` is the version, so a browser's automatic reconnect resumes with Last-Event-ID (which wins over after).
 */
@Path("/v1/customers/{customerId}/events")
public class EventsResource {
  private final Caller caller;
  private final Subscriptions subscriptions;
  private final int maxQueuedEvents;
  private final OpenSessions open;
  private final Draining draining;
  private final Vertx vertx;
  private final LiveMetrics metrics;
  private final Frames frames;
  private final Clock clock;
  private final RateLimits limits;

  public EventsResource(Caller caller, Subscriptions subscriptions, io.omnicontext.config.OmnicontextConfig config, OpenSessions open,
      Draining draining, Vertx vertx, LiveMetrics metrics, Frames frames, Clock clock, RateLimits limits) {
    this.limits = limits;
    this.metrics = metrics;
    this.frames = frames;
    this.clock = clock;
    this.open = open;
    this.draining = draining;
    this.caller = caller;
    this.subscriptions = subscriptions;
    this.maxQueuedEvents = config.push().maxQueuedFrames();
    this.vertx = vertx;
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> events(@PathParam("customerId") String customerId, @QueryParam("after") String after,
      @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
    Principal p = caller.get();
    CustomerKey key = AccessPolicy.customer(p, customerId);
    Long from = position(lastEventId != null && !lastEventId.isBlank() ? lastEventId : after);
    if (draining.draining()) throw new Refusal(io.omnicontext.domain.Reason.UNAVAILABLE, "this node is draining; reconnect");
    if (open.full()) throw new Refusal(io.omnicontext.domain.Reason.UNAVAILABLE, "this node holds as many streams as it may; reconnect");
    if (!limits.connectionOpened(p)) {
      metrics.rateLimited(LiveMetrics.RateScope.SSE_STREAMS);
      throw new RateLimits.Exceeded("this token holds as many streams (WebSocket and SSE) as a node allows; close one first",
          RateLimits.STREAM_RETRY_AFTER);
    }
    return Multi.createFrom().<OutboundSseEvent>emitter(emitter -> {
      SseSession session = new SseSession(emitter, sse, p.audience(), metrics);
      Subscription sub = subscriptions.customer(key, session);
      open.opened(session);
      metrics.connectionOpened(LiveMetrics.Transport.SSE);
      long expiry = vertx.setTimer(untilExpiry(p), id -> expired(emitter, sse));
      emitter.onTermination(() -> {
        vertx.cancelTimer(expiry);
        open.closed(session);
        metrics.connectionClosed(LiveMetrics.Transport.SSE);
        sub.close();
      });
      sub.open(null, from).subscribe().with(x -> {}, emitter::fail);
    }, BackPressureStrategy.ERROR)
        // A reader that stops reading: the stream ends once this many events wait (the browser resumes with Last-Event-ID).
        .onOverflow().invoke(e -> metrics.frameDropped(LiveMetrics.DropReason.QUEUE_FULL)).buffer(maxQueuedEvents)
        .onFailure(io.smallrye.mutiny.subscription.BackPressureFailure.class).invoke(() -> {
          Log.infof("ending an SSE stream whose reader fell %d events behind", maxQueuedEvents);
          metrics.slowConsumerClosed();
        })
        .onFailure(io.smallrye.mutiny.subscription.BackPressureFailure.class).recoverWithCompletion()
        // however the stream ends (completed, failed, the reader gone), once: the token's count of streams goes down
        .onTermination().invoke(() -> limits.connectionClosed(p));
  }

  private long untilExpiry(Principal p) { return Math.max(1, Duration.between(clock.instant(), p.expiresAt()).toMillis()); }

  /**
   * The token expired: the stream ends with an "unauthorized" event (SSE has no close codes). The client reconnects
   * with a fresh token and resumes from the last id it saw.
   */
  private void expired(MultiEmitter<? super OutboundSseEvent> emitter, Sse sse) {
    emitter.emit(sse.newEventBuilder().name("unauthorized").mediaType(MediaType.TEXT_PLAIN_TYPE)
        .data(frames.write(new ServerFrame.Error(null, "unauthorized", "the token expired"))).build());
    emitter.complete();
  }

  private static Long position(String raw) {
    if (raw == null || raw.isBlank()) return null;
    try {
      long v = Long.parseLong(raw.trim());
      if (v < 0) throw Refusal.badRequest("after must be >= 0");
      return v;
    } catch (NumberFormatException e) {
      throw Refusal.badRequest("after and Last-Event-ID must be whole numbers");
    }
  }

  /** Frames as SSE events: subscribed is a comment, a snapshot is event "snapshot", changes carry their version as id. */
  private record SseSession(MultiEmitter<? super OutboundSseEvent> emitter, Sse sse, Audience audience, LiveMetrics metrics)
      implements Session, OpenSessions.Drainable {
    @Override
    public void drain() { emitter.complete(); }

    @Override
    public void send(Kind kind, long position, String frame) {
      var event = switch (kind) {
        case SUBSCRIBED -> sse.newEventBuilder().comment("subscribed at version " + position);
        case SNAPSHOT -> sse.newEventBuilder().name("snapshot").id(Long.toString(position)).mediaType(MediaType.TEXT_PLAIN_TYPE).data(frame);
        case REACH -> sse.newEventBuilder().name("reach").id(Long.toString(position)).mediaType(MediaType.TEXT_PLAIN_TYPE).data(frame);
        case ERASED -> sse.newEventBuilder().name("erased").mediaType(MediaType.TEXT_PLAIN_TYPE).data(frame);
        default -> sse.newEventBuilder().id(Long.toString(position)).mediaType(MediaType.TEXT_PLAIN_TYPE).data(frame);
      };
      emitter.emit(event.build());
      metrics.frameSent(LiveMetrics.Transport.SSE);
      if (kind == Kind.ERASED) emitter.complete();
    }

    @Override
    public void resync(String reason) { emitter.complete(); }
  }
}
