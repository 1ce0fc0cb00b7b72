package io.omnicontext.service.push;

import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.Topic;
import io.omnicontext.service.ReadContext;
import io.omnicontext.service.ReadHistory;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A session's subscription to one customer: versions sent exactly once, in order, no gap. */
final class CustomerSubscription implements Subscription {
  private final CustomerKey key;
  private final Session session;
  private final Hub hub;
  private final Frames frames;
  private final ReadContext contexts;
  private final ReadHistory history;
  private final List<Frames.Delivery> pending = new ArrayList<>();
  private long last = -1;
  private boolean live;
  private boolean filling;
  private boolean closed;

  CustomerSubscription(CustomerKey key, Session session, Hub hub, Frames frames, ReadContext contexts, ReadHistory history) {
    this.key = key;
    this.session = session;
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
        if (closed) return;
        session.send(Session.Kind.SUBSCRIBED, ctx.version(), frames.write(subscribed(requestId, ctx.version())));
        Map<String, Object> snap = new LinkedHashMap<>();
        snap.put("type", "snapshot");
        snap.put("customerId", key.customerId());
        snap.put("version", ctx.version());
        snap.put("context", ctx);
        session.send(Session.Kind.SNAPSHOT, ctx.version(), frames.write(snap));
        goLive(ctx.version());
      }
    }).replaceWithVoid();
  }

  private Uni<Void> resume(String requestId, long after) {
    return contexts.version(key).chain(current -> {
      if (after > current) return snapshot(requestId); // the client is ahead of what is stored: start over
      return history.replay(key, after).chain(missed -> {
        if (missed.isEmpty()) return snapshot(requestId); // older than the replay window
        synchronized (this) {
          if (closed) return Uni.createFrom().voidItem();
          long top = missed.get().isEmpty() ? Math.max(after, current) : Math.max(current, missed.get().get(missed.get().size() - 1).version());
          session.send(Session.Kind.SUBSCRIBED, top, frames.write(subscribed(requestId, top)));
          long sent = after;
          for (var c : missed.get()) {
            if (c.version() != sent + 1) break;
            session.send(Session.Kind.CHANGE, c.version(), frames.delivery(c).frame(session.audience()));
            sent = c.version();
          }
          goLive(sent);
        }
        return Uni.createFrom().voidItem();
      });
    });
  }

  private Map<String, Object> subscribed(String requestId, long version) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("type", "subscribed");
    f.put("id", requestId);
    f.put("customerId", key.customerId());
    f.put("version", version);
    return f;
  }

  private void goLive(long version) {
    last = version;
    live = true;
    drain();
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized void deliver(Object message) {
    if (closed) return;
    List<Frames.Delivery> ds = (List<Frames.Delivery>) message;
    if (!live || filling) {
      pending.addAll(ds);
      return;
    }
    for (int i = 0; i < ds.size(); i++) {
      Frames.Delivery d = ds.get(i);
      if (d.version() <= last) continue;
      if (d.version() != last + 1) { // a gap: the feed lost something; fill it from the log first
        pending.addAll(ds.subList(i, ds.size()));
        fill();
        return;
      }
      session.send(Session.Kind.CHANGE, d.version(), d.frame(session.audience()));
      last = d.version();
    }
  }

  @Override
  public synchronized void recheck() {
    if (live && !filling && !closed) fill();
  }

  private void fill() {
    filling = true;
    long from = last;
    history.replay(key, from).subscribe().with(missed -> {
      synchronized (this) {
        filling = false;
        if (closed) return;
        if (missed.isEmpty()) {
          session.resync("missed changes are older than the replay window");
          return;
        }
        pending.addAll(frames.deliveries(missed.get()));
        drain();
      }
    }, err -> {
      synchronized (this) {
        filling = false;
        Log.warnf("gap fill failed customer=%s after=%d: %s", key.customerId(), from, err.getMessage());
        session.resync("could not fill a gap in the change feed");
      }
    });
  }

  private void drain() {
    if (pending.isEmpty()) return;
    List<Frames.Delivery> queued = new ArrayList<>(pending);
    pending.clear();
    queued.sort(Comparator.comparingLong(Frames.Delivery::version));
    deliver(queued);
  }

  @Override
  public void erased() {
    synchronized (this) {
      if (closed) return;
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("type", "erased");
      f.put("customerId", key.customerId());
      session.send(Session.Kind.ERASED, last, frames.write(f));
    }
    close();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      pending.clear();
    }
    hub.leave(Topic.customer(key), this);
  }
}
