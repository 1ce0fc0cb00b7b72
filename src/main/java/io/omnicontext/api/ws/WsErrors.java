package io.omnicontext.api.ws;

import io.omnicontext.domain.Reason;

/** The WebSocket sibling of the REST problem mapping: a refusal's reason becomes an error frame code. */
final class WsErrors {
  private WsErrors() {}

  /** Exhaustive over {@link Reason}: the contract's frame codes, and the reason's own code where the frame list is silent. */
  static String code(Reason reason) {
    return switch (reason) {
      case FORBIDDEN -> "forbidden";
      case NOT_FOUND -> "not_found";
      case RATE_LIMITED -> "rate_limited";
      case TOO_LARGE -> "too_large";
      case UNAVAILABLE -> "unavailable";
      case BAD_REQUEST, UNKNOWN_OP, VALIDATION_FAILED -> "bad_request";
      case UNAUTHORIZED, VERSION_CONFLICT, OFFER_ALREADY_REDEEMED, OFFER_NOT_ELIGIBLE, HANDOFF_TAKEN, INVALID_STATE,
          IDENTITY_TAKEN, IDEMPOTENCY_KEY_REUSED -> reason.code();
    };
  }
}
