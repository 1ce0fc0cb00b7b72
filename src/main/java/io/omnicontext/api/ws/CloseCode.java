package io.omnicontext.api.ws;

import io.quarkus.websockets.next.CloseReason;

/** The contract's close codes; reasons stay under 123 bytes. */
public enum CloseCode {
  AUTH(4401, "token missing, invalid or expired"),
  POLICY(4403, "policy violation"),
  /** Kept sending over its rate after rate_limited answers (omnicontext.limits.ws.*). */
  RATE_LIMITED(4403, "rate limit exceeded"),
  /** One connection more than omnicontext.limits.ws.connections-per-token. */
  TOO_MANY_CONNECTIONS(4403, "too many connections for this token"),
  TOO_LARGE(1009, "frame too large"),
  /** Reconnect and resume with after: the node drains, or this subscription could not fill a gap. */
  RESUME(1013, "reconnect and resume with after");

  private final int code;
  private final String reason;

  CloseCode(int code, String reason) {
    this.code = code;
    this.reason = reason;
  }

  public CloseReason reason() { return new CloseReason(code, reason); }

  public int code() { return code; }

  public String text() { return reason; }
}
