package io.omnicontext.domain;

/** Who committed a change: the token's subject and channel. A customer audience sees only the channel. */
public record Actor(String sub, String channel) {
  /** The server itself, for time-driven changes (expiry, overdue) and closed connections. */
  public static final Actor SERVER = new Actor("omnicontext", "system");

  public Actor withoutSub() { return new Actor(null, channel); }
}
