package io.omnicontext.service.push;

import io.omnicontext.port.TeamFeed;
import io.omnicontext.port.Topic;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A session's subscription to a team's hand-off feed: seqs sent exactly once, in order, no gap. */
final class TeamSubscription implements Subscription {
  /** One encoded {"type":"handoff",...} frame and its seq. */
  record SeqFrame(long seq, String frame) {}

  private final Topic topic;
  private final Session session;
  private final Hub hub;
  private final TeamFeed teams;
  private final List<SeqFrame> pending = new ArrayList<>();
  private long last = -1;
  private boolean live;
  private boolean filling;
  private boolean closed;

  TeamSubscription(Topic topic, Session session, Hub hub, TeamFeed teams) {
    this.topic = topic;
    this.session = session;
    this.hub = hub;
    this.teams = teams;
  }

  @Override
  public Uni<Void> open(String requestId, Long after) {
    return hub.join(topic, this).chain(() -> after == null ? snapshot(requestId) : resume(requestId, after));
  }

  private Uni<Void> snapshot(String requestId) {
    return teams.board(topic.tenant(), topic.name()).invoke(board -> {
      synchronized (this) {
        if (closed) return;
        session.send(Session.Kind.SUBSCRIBED, board.seq(), subscribed(requestId, board.seq()));
        session.send(Session.Kind.SNAPSHOT, board.seq(), "{\"type\":\"snapshot\",\"team\":" + quote(topic.name()) + ",\"seq\":" + board.seq()
            + ",\"handoffs\":[" + String.join(",", board.waitingJson()) + "]}");
        goLive(board.seq());
      }
    }).replaceWithVoid();
  }

  private Uni<Void> resume(String requestId, long after) {
    return teams.after(topic.tenant(), topic.name(), after).chain(f -> {
      if (!f.complete() || after > f.seq()) return snapshot(requestId);
      synchronized (this) {
        if (closed) return Uni.createFrom().voidItem();
        session.send(Session.Kind.SUBSCRIBED, Math.max(f.seq(), after), subscribed(requestId, Math.max(f.seq(), after)));
        for (int i = 0; i < f.frames().size(); i++) pending.add(new SeqFrame(f.seqs().get(i), f.frames().get(i)));
        goLive(after);
      }
      return Uni.createFrom().voidItem();
    });
  }

  private String subscribed(String requestId, long seq) {
    return "{\"type\":\"subscribed\",\"id\":" + quote(requestId) + ",\"team\":" + quote(topic.name()) + ",\"seq\":" + seq + "}";
  }

  private void goLive(long seq) {
    last = seq;
    live = true;
    drain();
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized void deliver(Object message) {
    if (closed) return;
    List<SeqFrame> frames = (List<SeqFrame>) message;
    if (!live || filling) {
      pending.addAll(frames);
      return;
    }
    for (int i = 0; i < frames.size(); i++) {
      SeqFrame f = frames.get(i);
      if (f.seq() <= last) continue;
      if (f.seq() != last + 1) {
        pending.addAll(frames.subList(i, frames.size()));
        fill();
        return;
      }
      session.send(Session.Kind.HANDOFF, f.seq(), f.frame());
      last = f.seq();
    }
  }

  @Override
  public synchronized void recheck() {
    if (live && !filling && !closed) fill();
  }

  private void fill() {
    filling = true;
    long from = last;
    teams.after(topic.tenant(), topic.name(), from).subscribe().with(f -> {
      synchronized (this) {
        filling = false;
        if (closed) return;
        if (!f.complete()) {
          session.resync("missed hand-offs are older than the replay window");
          return;
        }
        for (int i = 0; i < f.frames().size(); i++) pending.add(new SeqFrame(f.seqs().get(i), f.frames().get(i)));
        drain();
      }
    }, err -> {
      synchronized (this) {
        filling = false;
        Log.warnf("gap fill failed team=%s after=%d: %s", topic.name(), from, err.getMessage());
        session.resync("could not fill a gap in the team feed");
      }
    });
  }

  private void drain() {
    if (pending.isEmpty()) return;
    List<SeqFrame> queued = new ArrayList<>(pending);
    pending.clear();
    queued.sort(Comparator.comparingLong(SeqFrame::seq));
    deliver(queued);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      pending.clear();
    }
    hub.leave(topic, this);
  }

  /** Team names and request ids are quoted as JSON strings. */
  private static String quote(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
