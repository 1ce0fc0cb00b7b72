package io.omnicontext.service.push;

import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.wire.Frames;
import io.omnicontext.wire.ServerFrame;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.TeamFeed;
import io.omnicontext.port.Topic;
import io.omnicontext.service.ReadContext;
import io.omnicontext.service.ReadHistory;
import jakarta.enterprise.context.ApplicationScoped;

/** Makes subscriptions for sessions (WebSocket, SSE) with what they need. */
@ApplicationScoped
public class Subscriptions {
  private final Hub hub;
  private final Frames frames;
  private final ReadContext contexts;
  private final ReadHistory history;
  private final TeamFeed teams;
  private final OpenGate gate;

  public Subscriptions(Hub hub, Frames frames, ReadContext contexts, ReadHistory history, TeamFeed teams, OpenGate gate) {
    this.gate = gate;
    this.hub = hub;
    this.frames = frames;
    this.contexts = contexts;
    this.history = history;
    this.teams = teams;
  }

  public Subscription customer(CustomerKey key, Session session) {
    return counted(LiveMetrics.SubscriptionKind.CUSTOMER, new CustomerSubscription(key, session, hub, frames, contexts, history));
  }

  /** A sender's live reach answer for one purpose and channel. */
  public Subscription reach(CustomerKey key, String purpose, String channel, Session session) {
    return counted(LiveMetrics.SubscriptionKind.REACH, new ReachSubscription(key, purpose, channel, session, hub, frames, contexts));
  }

  public Subscription team(String tenant, String team, Session session) {
    return counted(LiveMetrics.SubscriptionKind.TEAM, new TeamSubscription(Topic.team(tenant, team), session, hub, teams, frames));
  }

  private Subscription counted(LiveMetrics.SubscriptionKind kind, Subscription s) { return new Counted(kind, s, hub.metrics(), gate); }

  /**
   * A subscription as the open-subscriptions gauge sees it: counted once it opened, until it is closed. Its open
   * waits its turn at the node's {@link OpenGate}; one closed while it waited is not opened.
   */
  private static final class Counted implements Subscription {
    private final LiveMetrics.SubscriptionKind kind;
    private final Subscription inner;
    private final LiveMetrics metrics;
    private final OpenGate gate;
    private final java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;

    Counted(LiveMetrics.SubscriptionKind kind, Subscription inner, LiveMetrics metrics, OpenGate gate) {
      this.gate = gate;
      this.kind = kind;
      this.inner = inner;
      this.metrics = metrics;
    }

    @Override
    public io.smallrye.mutiny.Uni<Void> open(String requestId, Long after) {
      return gate.run(() -> closed ? io.smallrye.mutiny.Uni.createFrom().voidItem() : inner.open(requestId, after)).invoke(() -> {
        if (!closed && counted.compareAndSet(false, true)) metrics.subscriptionOpened(kind);
      });
    }

    @Override public void deliver(Object message) { inner.deliver(message); }

    @Override public void recheck() { inner.recheck(); }

    @Override public void erased() { inner.erased(); }

    @Override
    public void close() {
      closed = true;
      inner.close();
      if (counted.compareAndSet(true, false)) metrics.subscriptionClosed(kind);
    }
  }
}
