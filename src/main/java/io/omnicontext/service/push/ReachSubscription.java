package io.omnicontext.service.push;

import io.omnicontext.config.LogSafe;
import io.omnicontext.wire.Frames;
import io.omnicontext.wire.ServerFrame;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Reach;
import io.omnicontext.port.Topic;
import io.omnicontext.service.ReadContext;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sender's subscription to one customer's reach for a purpose and channel: the answer now, then a
 * new answer whenever a committed change alters it (consent withdrawn, a new destination). The
 * answer is recomputed from the live context after each change, never from the change alone.
 */
final class ReachSubscription implements Subscription {
  private final CustomerKey key;
  private final String purpose;
  private final String channel;
  private final Session session;
  private final Hub hub;
  private final Frames frames;
  private final ReadContext contexts;
  private final Clock clock;
  private Reach.Answer last;
  private long lastVersion = -1;
  private boolean computing;
  private boolean dirty;
  private boolean closed;

  ReachSubscription(CustomerKey key, String purpose, String channel, Session session, Hub hub, Frames frames, ReadContext contexts) {
    this.key = key;
    this.purpose = purpose;
    this.channel = channel;
    this.session = session;
    this.hub = hub;
    this.frames = frames;
    this.contexts = contexts;
    this.clock = hub.clock();
  }

  @Override
  public Uni<Void> open(String requestId, Long after) {
    Reach.answer(CustomerContext.empty(key.customerId()), purpose, channel, clock.instant()); // refuses a bad purpose or channel now
    return hub.join(Topic.customer(key), this).chain(() -> contexts.snapshot(key, Audience.STAFF)).invoke(ctx -> {
      synchronized (this) {
        if (closed) return;
        session.send(Session.Kind.SUBSCRIBED, ctx.version(),
            frames.write(ServerFrame.Subscribed.reach(requestId, key.customerId(), ctx.version(), purpose, channel)));
        answer(ctx);
      }
    }).replaceWithVoid();
  }

  @Override
  public void deliver(Object message) { recheck(); }

  /** Recomputes from the live context; changes arriving meanwhile trigger one more round. */
  @Override
  public synchronized void recheck() {
    if (closed) return;
    if (computing) {
      dirty = true;
      return;
    }
    computing = true;
    contexts.snapshot(key, Audience.STAFF).subscribe().with(ctx -> {
      synchronized (this) {
        computing = false;
        if (!closed) answer(ctx);
        if (dirty) {
          dirty = false;
          recheck();
        }
      }
    }, err -> {
      synchronized (this) {
        computing = false;
        Log.warnf("reach recheck failed customer=%s: %s", key.customerId(), LogSafe.failure(err));
      }
    });
  }

  /** Sends the answer at this version if it differs from the last one sent (under the lock). */
  private void answer(CustomerContext ctx) {
    if (ctx.version() <= lastVersion) return;
    Reach.Answer now = Reach.answer(ctx, purpose, channel, clock.instant());
    lastVersion = ctx.version();
    if (now.equals(last)) return;
    last = now;
    session.send(Session.Kind.REACH, ctx.version(), frames.write(new ServerFrame.Reach(key.customerId(), ctx.version(), purpose, channel,
        now.allowed(), now.to(), now.reason())));
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    hub.leave(Topic.customer(key), this);
  }
}
