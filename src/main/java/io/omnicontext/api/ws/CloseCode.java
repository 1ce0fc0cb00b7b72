package io.omnicontext.api.ws;

import io.quarkus.websockets.next.CloseReason;

/** The contract's close codes; reasons stay under 123 bytes. */
public enum CloseCode {
  AUTH(4401, "token missing, invalid or expired"),
  POLICY(4403, "policy violation"),
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
