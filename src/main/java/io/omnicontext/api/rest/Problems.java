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

  public static int status(Reason reason) {
    switch (reason) {
      case BAD_REQUEST: case UNKNOWN_OP: case VALIDATION_FAILED: return 400;
      case UNAUTHORIZED: return 401;
      case FORBIDDEN: return 403;
      case NOT_FOUND: return 404;
      case VERSION_CONFLICT: case OFFER_ALREADY_REDEEMED: case OFFER_NOT_ELIGIBLE: case HANDOFF_TAKEN:
      case INVALID_STATE: case IDENTITY_TAKEN: return 409;
      case TOO_LARGE: return 413;
      case IDEMPOTENCY_KEY_REUSED: return 422;
      case RATE_LIMITED: return 429;
      case UNAVAILABLE: return 503;
      default: throw new IllegalArgumentException(reason.name());
    }
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
