package io.omnicontext.service.push;

import io.omnicontext.config.LogSafe;
import io.omnicontext.ops.LiveMetrics;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a customer and a team subscription share: items numbered by a gap-free position (version,
 * seq) go out exactly once and in order. Until the subscription is live, and while it fills a gap
 * from the log, arriving items wait; an item at or below the last one sent is dropped; an item past
 * last+1 shows a gap, which is filled from the log first. A gap older than the log closes the
 * session so the client resumes with after. Items read from the log (a resume's replay, a gap fill) are sent as
 * replays, the others as live deliveries: only these measure the commit→write latency.
 */
abstract class OrderedSubscription<T> implements Subscription {
  private static final int FILL_RETRIES = 20;

  protected final Session session;
  private final List<T> pending = new ArrayList<>();
  private long last = -1;
  /** The highest position read from the log: an item at or below it is a replay, not a live delivery. */
  private long replayedThrough = -1;
  private boolean live;
  private boolean filling;
  private boolean closed;

  OrderedSubscription(Session session) { this.session = session; }

  abstract long position(T item);

  /** Sends one item (under this subscription's lock); live: it came from the feed, not from the log. */
  abstract void send(T item, boolean live);

  /** Items after {@code position} from the log, or empty when the log no longer reaches position+1. */
  abstract Uni<Optional<List<T>>> missedAfter(long position);

  /** Where gap fills are counted. */
  abstract LiveMetrics metrics();

  /** Stops the hub's deliveries to this subscription. */
  abstract void leave();

  abstract String describe();

  protected synchronized boolean closed() { return closed; }

  /** Starts delivering after {@code position} (call under the lock, after subscribed and the snapshot or replay). */
  protected void goLive(long position, List<T> replay) {
    last = position;
    live = true;
    replayed(replay);
    pending.addAll(replay);
    drain();
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized void deliver(Object message) {
    if (closed) return;
    List<T> items = (List<T>) message;
    if (!live || filling) {
      pending.addAll(items);
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      T item = items.get(i);
      long p = position(item);
      if (p <= last) { // already sent: the feed and a gap fill both had it
        metrics().frameDropped(LiveMetrics.DropReason.STALE);
        continue;
      }
      if (p != last + 1) { // the feed lost something: fill the gap from the log first
        pending.addAll(items.subList(i, items.size()));
        fill();
        return;
      }
      send(item, p > replayedThrough);
      last = p;
    }
  }

  @Override
  public synchronized void recheck() {
    if (live && !filling && !closed) fill();
  }

  private void fill() {
    filling = true;
    metrics().gapFilled();
    long from = last;
    // A Redis that just came back may still be loading its data: retry a while before giving up.
    Uni.createFrom().deferred(() -> missedAfter(from))
        .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1)).atMost(FILL_RETRIES)
        .subscribe().with(missed -> {
      synchronized (this) {
        filling = false;
        if (closed) return;
        if (missed.isEmpty()) {
          session.resync("missed items of " + describe() + " are older than the replay window");
          return;
        }
        replayed(missed.get());
        pending.addAll(missed.get());
        drain();
      }
    }, err -> {
      synchronized (this) {
        filling = false;
        Log.warnf("gap fill failed %s after=%d: %s", describe(), from, LogSafe.failure(err));
        session.resync("could not fill a gap in the feed of " + describe());
      }
    });
  }

  private void replayed(List<T> fromLog) {
    for (T item : fromLog) replayedThrough = Math.max(replayedThrough, position(item));
  }

  private void drain() {
    if (pending.isEmpty()) return;
    List<T> queued = new ArrayList<>(pending);
    pending.clear();
    queued.sort(Comparator.comparingLong(this::position));
    deliver(queued);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      pending.clear();
    }
    leave();
  }
}
