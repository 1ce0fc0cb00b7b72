package io.omnicontext.service.push;

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

  public Subscriptions(Hub hub, Frames frames, ReadContext contexts, ReadHistory history, TeamFeed teams) {
    this.hub = hub;
    this.frames = frames;
    this.contexts = contexts;
    this.history = history;
    this.teams = teams;
  }

  public Subscription customer(CustomerKey key, Session session) {
    return new CustomerSubscription(key, session, hub, frames, contexts, history);
  }

  /** A sender's live reach answer for one purpose and channel. */
  public Subscription reach(CustomerKey key, String purpose, String channel, Session session) {
    return new ReachSubscription(key, purpose, channel, session, hub, frames, contexts);
  }

  public Subscription team(String tenant, String team, Session session) {
    return new TeamSubscription(Topic.team(tenant, team), session, hub, teams, frames);
  }
}
