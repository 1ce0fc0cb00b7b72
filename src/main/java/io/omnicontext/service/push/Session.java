package io.omnicontext.service.push;

import io.omnicontext.domain.Audience;

/** One open connection (WebSocket or SSE) as the push layer sees it: who reads, and where frames go. */
public interface Session {
  /** What a frame is: SSE shows subscribed as a comment and uses the position as the event id. */
  enum Kind { SUBSCRIBED, SNAPSHOT, CHANGE, HANDOFF, ERASED, REACH }

  Audience audience();

  /** Sends one encoded frame at a version (customer) or seq (team); frames sent under one lock arrive in order. */
  void send(Kind kind, long position, String frame);

  /**
   * Sends a frame like {@link #send} and runs {@code written} once it is written to the connection (not when it is
   * only queued; never when it is dropped). A transport that cannot tell runs it right after handing the frame over.
   */
  default void sendLive(Kind kind, long position, String frame, Runnable written) {
    send(kind, position, frame);
    written.run();
  }

  /** The subscription lost its footing (an unrecoverable gap): close so the client resumes with after. */
  void resync(String reason);
}
