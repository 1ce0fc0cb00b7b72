package io.omnicontext.ops;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * A correlation id per request: the caller's `X-Request-Id` when it is a safe token, else a new one. It is
 * echoed in the response header, written by the access log (`%{d,requestId}`, beside the route template
 * `%{d,route}`), put in the log MDC, so
 * every line logged for the request (JSON logs: `mdc.requestId`) carries it, in problem bodies, and on the
 * request's span (`omnicontext.request.id`) when tracing is on. Runs first, on every route.
 */
@ApplicationScoped
public class RequestIds {
  public static final String HEADER = "X-Request-Id";
  /** The routing-context data key and the MDC key. */
  public static final String KEY = "requestId";
  /** The routing-context data key of the request's route template, for the access log (`%{d,route}`). */
  static final String ROUTE = "route";
  /** The attribute of the request's span that carries the id. */
  static final io.opentelemetry.api.common.AttributeKey<String> SPAN_ATTRIBUTE = io.opentelemetry.api.common.AttributeKey.stringKey("omnicontext.request.id");
  /** Letters, digits and `._:-` only, at most 128: nothing that could forge a log line or a header. */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  void install(@Observes Router router) {
    router.route().order(-200).handler(RequestIds::tag);
  }

  static void tag(RoutingContext ctx) {
    String id = accepted(ctx.request().getHeader(HEADER));
    ctx.put(KEY, id);
    ctx.put(ROUTE, TraceScrubber.path(ctx.request().path())); // the access line names no customer and no team
    ctx.response().putHeader(HEADER, id);
    MDC.put(KEY, id);
    // the same id on the request's trace (a no-op while tracing is off), so log line, problem body and trace meet
    io.opentelemetry.api.trace.Span.current().setAttribute(SPAN_ATTRIBUTE, id);
    ctx.next();
  }

  /** The caller's id if it is safe, else a fresh UUID. */
  static String accepted(String incoming) {
    return incoming != null && SAFE.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
  }

  /** The id of the request a routing context serves (for problem bodies and log lines); null outside a request. */
  public static String of(RoutingContext ctx) { return ctx.get(KEY); }
}
