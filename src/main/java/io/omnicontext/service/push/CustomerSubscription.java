package io.omnicontext.service.push;

import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.wire.Frames;
import io.omnicontext.wire.ServerFrame;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.Topic;
import io.omnicontext.service.ReadContext;
import io.omnicontext.service.ReadHistory;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A session's subscription to one customer: subscribed, then the snapshot or the replay after `after`, then live. */
final class CustomerSubscription extends OrderedSubscription<Frames.Delivery> {
  private final CustomerKey key;
  private final Hub hub;
  private final Frames frames;
  private final ReadContext contexts;
  private final ReadHistory history;

  CustomerSubscription(CustomerKey key, Session session, Hub hub, Frames frames, ReadContext contexts, ReadHistory history) {
    super(session);
    this.key = key;
    this.hub = hub;
    this.frames = frames;
    this.contexts = contexts;
    this.history = history;
  }

  @Override
  public Uni<Void> open(String requestId, Long after) {
    return hub.join(Topic.customer(key), this)
        .chain(() -> after == null ? snapshot(requestId) : resume(requestId, after));
  }

  private Uni<Void> snapshot(String requestId) {
    return contexts.snapshot(key, session.audience()).invoke(ctx -> {
      synchronized (this) {
        if (closed()) return;
        session.send(Session.Kind.SUBSCRIBED, ctx.version(), frames.write(ServerFrame.Subscribed.customer(requestId, key.customerId(), ctx.version())));
        session.send(Session.Kind.SNAPSHOT, ctx.version(), frames.write(ServerFrame.Snapshot.customer(ctx)));
        goLive(ctx.version(), List.of());
      }
    }).replaceWithVoid();
  }

  private Uni<Void> resume(String requestId, long after) {
    return contexts.version(key).chain(current -> {
      if (after > current) return snapshot(requestId); // the client is ahead of what is stored: start over
      return replay(after).chain(missed -> {
        if (missed.isEmpty()) return snapshot(requestId); // older than the replay window
        synchronized (this) {
          if (closed()) return Uni.createFrom().voidItem();
          List<Frames.Delivery> replay = missed.get();
          long top = replay.isEmpty() ? current : Math.max(current, replay.get(replay.size() - 1).version());
          session.send(Session.Kind.SUBSCRIBED, top, frames.write(ServerFrame.Subscribed.customer(requestId, key.customerId(), top)));
          goLive(after, replay);
        }
        return Uni.createFrom().voidItem();
      });
    });
  }

  @Override long position(Frames.Delivery d) { return d.version(); }

  /** A live change's commit→write time is measured once its frame is written; a replay's says nothing of the push. */
  @Override
  void send(Frames.Delivery d, boolean live) {
    String frame = d.frame(session.audience());
    if (!live) {
      session.send(Session.Kind.CHANGE, d.version(), frame);
      return;
    }
    session.sendLive(Session.Kind.CHANGE, d.version(), frame,
        () -> hub.metrics().pushLatency(java.time.Duration.between(d.committedAt(), hub.clock().instant())));
  }

  @Override
  Uni<Optional<List<Frames.Delivery>>> missedAfter(long version) { return replay(version); }

  /** The changes after a version, decoded and encoded once for every local subscription that asks for them. */
  private Uni<Optional<List<Frames.Delivery>>> replay(long after) {
    return hub.sharedRead(Topic.customer(key), after, () -> history.replay(key, after).map(missed -> missed.map(frames::deliveries)));
  }

  @Override void leave() { hub.leave(Topic.customer(key), this); }

  @Override LiveMetrics metrics() { return hub.metrics(); }

  @Override String describe() { return "customer " + key.customerId(); }

  @Override
  public void erased() {
    synchronized (this) {
      if (closed()) return;
      session.send(Session.Kind.ERASED, 0, frames.write(new ServerFrame.Erased(key.customerId())));
    }
    close();
  }
}
