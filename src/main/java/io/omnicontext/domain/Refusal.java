package io.omnicontext.domain;

import java.util.Map;

/**
 * A request the service answers with a typed refusal, never a stack trace. It is an answer, not a
 * bug: no stack trace is filled. {@link #extra()} carries members the contract adds to the problem
 * (redeemedAt and redeemedChannel of offer_already_redeemed).
 */
public final class Refusal extends RuntimeException {
  private final Reason reason;
  private final Map<String, Object> extra;

  public Refusal(Reason reason, String detail, Map<String, Object> extra) {
    super(detail, null, false, false);
    this.reason = reason;
    this.extra = Map.copyOf(extra);
  }

  public Refusal(Reason reason, String detail) { this(reason, detail, Map.of()); }

  public Reason reason() { return reason; }
  public Map<String, Object> extra() { return extra; }

  public static Refusal badRequest(String detail) { return new Refusal(Reason.BAD_REQUEST, detail); }
  public static Refusal invalid(String detail) { return new Refusal(Reason.VALIDATION_FAILED, detail); }
  public static Refusal invalidState(String detail) { return new Refusal(Reason.INVALID_STATE, detail); }
  public static Refusal notFound(String detail) { return new Refusal(Reason.NOT_FOUND, detail); }
}
