package io.omnicontext.api.rest;

import io.omnicontext.config.LogSafe;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.omnicontext.api.access.AccessPolicy;
import io.omnicontext.api.limits.RateLimits;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.ops.StoreFailures;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The REST edge's answers to failures: typed problems, 503 when a store is unreachable, 500 only for bugs. */
public class ProblemMapper {
  private final Caller caller;
  private final LiveMetrics metrics;

  public ProblemMapper(Caller caller, LiveMetrics metrics) {
    this.caller = caller;
    this.metrics = metrics;
  }

  @ServerExceptionMapper
  public Response refused(Refusal r) { return problem(Problems.of(r)); }

  /** A customer the token may not see is 404 like one that does not exist; a role's refusal is 403. */
  @ServerExceptionMapper
  public Response denied(AccessPolicy.Denied d) { return problem(Problems.of(d.hidden() ? Reason.NOT_FOUND : Reason.FORBIDDEN, d.getMessage())); }

  /** A per-token limit (SSE streams): 429 with Retry-After, as the REST write rate answers. */
  @ServerExceptionMapper
  public Response rateLimited(RateLimits.Exceeded e) {
    Map<String, Object> p = Problems.of(Reason.RATE_LIMITED, e.getMessage());
    Problems.answering(p, caller.requestId());
    return Response.status(Problems.status(Reason.RATE_LIMITED)).type(Problems.TYPE).header("Retry-After", e.retryAfterSeconds()).entity(p).build();
  }

  @ServerExceptionMapper
  public Response malformed(JsonProcessingException e) {
    return problem(Problems.of(Reason.BAD_REQUEST, "the body is not valid JSON: " + e.getOriginalMessage()));
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    Reason reason = switch (status) {
      case 401 -> Reason.UNAUTHORIZED;
      case 404 -> Reason.NOT_FOUND;
      case 413 -> Reason.TOO_LARGE;
      case 503 -> Reason.UNAVAILABLE;
      default -> Reason.BAD_REQUEST;
    };
    Map<String, Object> p = Problems.of(reason, e.getMessage());
    p.put("status", status);
    return problem(p);
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable t) {
    if (isStoreDown(t)) {
      StoreFailures.storeDown(t).ifPresent(metrics::storeError);
      Log.warnf("store unavailable: %s", LogSafe.failure(t));
      return problem(Problems.of(Reason.UNAVAILABLE, "a store is unreachable; retry shortly"));
    }
    String errorId = UUID.randomUUID().toString();
    Log.errorf("unexpected failure errorId=%s %s", errorId, LogSafe.stack(t)); // types and frames: a message may quote the request
    Map<String, Object> p = Problems.of(Reason.UNAVAILABLE, "unexpected failure; errorId " + errorId);
    p.put("status", 500);
    p.put("title", "Internal error");
    p.put("code", "internal_error");
    p.put("errorId", errorId);
    return problem(p);
  }

  /** Every problem this mapper answers names its request (Problems.REQUEST_ID). */
  private Response problem(Map<String, Object> p) {
    Problems.answering(p, caller.requestId());
    return Response.status((Integer) p.get("status")).type(Problems.TYPE).entity(p).build();
  }

  /** A store that is away, not a bug of the request: 503, the client retries (see StoreFailures). */
  static boolean isStoreDown(Throwable t) { return StoreFailures.isStoreDown(t); }
}
