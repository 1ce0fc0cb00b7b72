package io.omnicontext.api.rest;

import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problems: the one place a refusal's reason becomes an HTTP status. */
public final class Problems {
  public static final String TYPE = "application/problem+json";
  private static final String BASE = "https://omnicontext.dev/problems/";

  private Problems() {}

  /** Exhaustive over {@link Reason}: a new reason does not compile until it has its status here. */
  public static int status(Reason reason) {
    return switch (reason) {
      case BAD_REQUEST, UNKNOWN_OP, VALIDATION_FAILED -> 400;
      case UNAUTHORIZED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case VERSION_CONFLICT, OFFER_ALREADY_REDEEMED, OFFER_NOT_ELIGIBLE, HANDOFF_TAKEN, INVALID_STATE, IDENTITY_TAKEN -> 409;
      case TOO_LARGE -> 413;
      case IDEMPOTENCY_KEY_REUSED -> 422;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
    };
  }

  /** {type, title, status, detail, code} plus the refusal's extra members. */
  public static Map<String, Object> of(Refusal r) {
    Map<String, Object> p = of(r.reason(), r.getMessage());
    p.putAll(r.extra());
    return p;
  }

  public static Map<String, Object> of(Reason reason, String detail) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", BASE + reason.code());
    p.put("title", title(reason));
    p.put("status", status(reason));
    p.put("detail", detail);
    p.put("code", reason.code());
    return p;
  }

  private static String title(Reason r) {
    String code = r.code().replace('_', ' ');
    return Character.toUpperCase(code.charAt(0)) + code.substring(1);
  }
}
