package io.omnicontext.service.push;

import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.wire.Frames;
import io.omnicontext.wire.ServerFrame;
import io.omnicontext.port.TeamFeed;
import io.omnicontext.port.Topic;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A session's subscription to a team's hand-off feed: subscribed with seq, the board or the replay, then live. */
final class TeamSubscription extends OrderedSubscription<TeamSubscription.SeqFrame> {
  /** One encoded {"type":"handoff",...} frame and its seq. */
  record SeqFrame(long seq, String frame) {}

  private final Topic topic;
  private final Hub hub;
  private final TeamFeed teams;
  private final Frames frames;

  TeamSubscription(Topic topic, Session session, Hub hub, TeamFeed teams, Frames frames) {
    super(session);
    this.topic = topic;
    this.hub = hub;
    this.teams = teams;
    this.frames = frames;
  }

  @Override
  public Uni<Void> open(String requestId, Long after) {
    return hub.join(topic, this).chain(() -> after == null ? snapshot(requestId) : resume(requestId, after));
  }

  private Uni<Void> snapshot(String requestId) {
    return teams.board(topic.tenant(), topic.name()).invoke(board -> {
      synchronized (this) {
        if (closed()) return;
        session.send(Session.Kind.SUBSCRIBED, board.seq(), subscribed(requestId, board.seq()));
        session.send(Session.Kind.SNAPSHOT, board.seq(), frames.write(ServerFrame.Snapshot.team(topic.name(), board.seq(), board.waitingJson())));
        goLive(board.seq(), List.of());
      }
    }).replaceWithVoid();
  }

  private Uni<Void> resume(String requestId, long after) {
    return teams.after(topic.tenant(), topic.name(), after).chain(f -> {
      if (!f.complete() || after > f.seq()) return snapshot(requestId);
      synchronized (this) {
        if (closed()) return Uni.createFrom().voidItem();
        session.send(Session.Kind.SUBSCRIBED, Math.max(f.seq(), after), subscribed(requestId, Math.max(f.seq(), after)));
        goLive(after, frames(f));
      }
      return Uni.createFrom().voidItem();
    });
  }

  private String subscribed(String requestId, long seq) {
    return frames.write(ServerFrame.Subscribed.team(requestId, topic.name(), seq));
  }

  private static List<SeqFrame> frames(TeamFeed.Frames f) {
    List<SeqFrame> out = new ArrayList<>(f.frames().size());
    for (int i = 0; i < f.frames().size(); i++) out.add(new SeqFrame(f.seqs().get(i), f.frames().get(i)));
    return out;
  }

  @Override long position(SeqFrame f) { return f.seq(); }

  @Override void send(SeqFrame f, boolean live) { session.send(Session.Kind.HANDOFF, f.seq(), f.frame()); }

  @Override
  Uni<Optional<List<SeqFrame>>> missedAfter(long seq) {
    return hub.sharedRead(topic, seq, () -> teams.after(topic.tenant(), topic.name(), seq)
        .map(f -> f.complete() ? Optional.of(frames(f)) : Optional.<List<SeqFrame>>empty()));
  }

  @Override void leave() { hub.leave(topic, this); }

  @Override LiveMetrics metrics() { return hub.metrics(); }

  @Override String describe() { return "team " + topic.name(); }
}
