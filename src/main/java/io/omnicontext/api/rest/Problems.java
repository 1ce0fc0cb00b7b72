package io.omnicontext.api.rest;

import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.ops.RequestIds;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problems: the one place a refusal's reason becomes an HTTP status. */
public final class Problems {
  public static final String TYPE = "application/problem+json";
  /** The member naming the request a problem answers: its correlation id (ops/RequestIds, the X-Request-Id header). */
  public static final String REQUEST_ID = "requestId";
  /** The trace the request belongs to, when tracing is on. */
  public static final String TRACE_ID = "traceId";
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

  /**
   * Names the request this problem answers, so that a caller's report of it finds the request's log lines (the
   * access line and the MDC carry the same id), and, while tracing is on, the trace it belongs to. Nothing is added
   * outside a request.
   */
  public static Map<String, Object> answering(Map<String, Object> p, String requestId) {
    if (requestId != null) p.put(REQUEST_ID, requestId);
    SpanContext trace = Span.current().getSpanContext(); // valid only while tracing is on (docs/tracing.md)
    if (trace.isValid()) p.put(TRACE_ID, trace.getTraceId());
    return p;
  }

  /** Ends a Vert.x route (a refusal before any resource runs) with this problem, its status and the request's id. */
  public static void end(RoutingContext ctx, Map<String, Object> p) {
    answering(p, RequestIds.of(ctx));
    ctx.response().setStatusCode((Integer) p.get("status")).putHeader("Content-Type", TYPE).end(Json.encode(p));
  }

  private static String title(Reason r) {
    String code = r.code().replace('_', ' ');
    return Character.toUpperCase(code.charAt(0)) + code.substring(1);
  }
}
