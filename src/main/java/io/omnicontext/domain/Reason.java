package io.omnicontext.domain;

/** Why a request was refused; {@link #code()} is the contract's machine code. */
public enum Reason {
  BAD_REQUEST("bad_request"),
  UNKNOWN_OP("unknown_op"),
  VALIDATION_FAILED("validation_failed"),
  UNAUTHORIZED("unauthorized"),
  FORBIDDEN("forbidden"),
  NOT_FOUND("not_found"),
  VERSION_CONFLICT("version_conflict"),
  OFFER_ALREADY_REDEEMED("offer_already_redeemed"),
  OFFER_NOT_ELIGIBLE("offer_not_eligible"),
  HANDOFF_TAKEN("handoff_taken"),
  /** Added to the contract: the item is not in a state that allows the op (release of a fulfilled hold). */
  INVALID_STATE("invalid_state"),
  /** Added to the contract: the identity is already linked to another customer of the tenant. */
  IDENTITY_TAKEN("identity_taken"),
  IDEMPOTENCY_KEY_REUSED("idempotency_key_reused"),
  TOO_LARGE("too_large"),
  RATE_LIMITED("rate_limited"),
  UNAVAILABLE("unavailable");

  private final String code;

  Reason(String code) { this.code = code; }

  public String code() { return code; }
}
