package io.omnicontext.ops;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * The commit's trace context, carried with the change it publishes so that the push span on every node (the hub)
 * links to the write's trace. A sampled commit's feed message (`[{change}, ...]`) gets a W3C `traceparent` member
 * first in its first change object: `[{"traceparent":"00-<trace>-<span>-01", ...}]`; an unsampled one (tracing off,
 * the default) is published exactly as before, so nothing is computed or sent. A node that does not know the member
 * ignores it (unknown properties are ignored); this one takes it off before it parses the changes.
 */
public final class FeedTrace {
  private static final String PREFIX = "[{\"traceparent\":\"";
  /** "00-" + 32 hex + "-" + 16 hex + "-01" */
  private static final int TRACEPARENT = 55;
  private static final int STAMPED = PREFIX.length() + TRACEPARENT + 1; // and the closing quote

  private FeedTrace() {}

  /** The changes' JSON objects as the feed message, stamped with the current span's context when it is sampled. */
  public static String message(java.util.List<String> changeJson) {
    String plain = "[" + String.join(",", changeJson) + "]";
    SpanContext now = Span.current().getSpanContext();
    if (!now.isValid() || !now.isSampled() || changeJson.isEmpty() || !plain.startsWith("[{")) return plain;
    String traceparent = "00-" + now.getTraceId() + "-" + now.getSpanId() + "-01";
    String rest = plain.substring(2);
    return PREFIX + traceparent + "\"" + (rest.startsWith("}") ? "" : ",") + rest;
  }

  /** The commit's span context a feed message carries, or an invalid one (not stamped, or ill-formed). */
  public static SpanContext of(String message) {
    if (!message.startsWith(PREFIX) || message.length() < STAMPED) return SpanContext.getInvalid();
    String tp = message.substring(PREFIX.length(), PREFIX.length() + TRACEPARENT);
    if (tp.charAt(2) != '-' || tp.charAt(35) != '-' || tp.charAt(52) != '-') return SpanContext.getInvalid();
    return SpanContext.createFromRemoteParent(tp.substring(3, 35), tp.substring(36, 52), TraceFlags.getSampled(), TraceState.getDefault());
  }

  /** The message without its stamp: what an unstamped commit would have published. */
  public static String changes(String message) {
    if (!of(message).isValid()) return message;
    String rest = message.substring(STAMPED);
    return "[{" + (rest.startsWith(",") ? rest.substring(1) : rest);
  }
}
