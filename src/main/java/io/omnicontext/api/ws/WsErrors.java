package io.omnicontext.api.ws;

import io.omnicontext.domain.Reason;

/** The WebSocket sibling of the REST problem mapping: a refusal's reason becomes an error frame code. */
final class WsErrors {
  private WsErrors() {}

  static String code(Reason reason) {
    switch (reason) {
      case FORBIDDEN: case NOT_FOUND: return reason == Reason.FORBIDDEN ? "forbidden" : "not_found";
      case RATE_LIMITED: return "rate_limited";
      case TOO_LARGE: return "too_large";
      case UNAVAILABLE: return "unavailable";
      case BAD_REQUEST: case UNKNOWN_OP: case VALIDATION_FAILED: return "bad_request";
      default: return reason.code();
    }
  }
}
