package io.omnicontext.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.omnicontext.api.auth.TokenVerifier;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.ChangeFeed;
import io.omnicontext.port.ContextStore;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The REST edge's answers to failures: typed problems, 503 when a store is unreachable, 500 only for bugs. */
public class ProblemMapper {

  @ServerExceptionMapper
  public Response refused(Refusal r) { return problem(Problems.of(r)); }

  @ServerExceptionMapper
  public Response unauthorized(TokenVerifier.Unauthorized u) {
    return Response.fromResponse(problem(Problems.of(Reason.UNAUTHORIZED, u.getMessage())))
        .header("WWW-Authenticate", "Bearer").build();
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
    return Response.status(status).type(Problems.TYPE).entity(p).build();
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable t) {
    if (isStoreDown(t)) {
      Log.warnf("store unavailable: %s", t.toString());
      return problem(Problems.of(Reason.UNAVAILABLE, "a store is unreachable; retry shortly"));
    }
    String errorId = UUID.randomUUID().toString();
    Log.errorf(t, "unexpected failure errorId=%s", errorId);
    Map<String, Object> p = Problems.of(Reason.UNAVAILABLE, "unexpected failure; errorId " + errorId);
    p.put("status", 500);
    p.put("title", "Internal error");
    p.put("code", "internal_error");
    p.put("errorId", errorId);
    return Response.status(500).type(Problems.TYPE).entity(p).build();
  }

  static Response problem(Map<String, Object> p) {
    return Response.status((Integer) p.get("status")).type(Problems.TYPE).entity(p).build();
  }

  /** Redis (or a lost race that never settled) is not a bug of the request: 503, the client retries. */
  static boolean isStoreDown(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ContextStore.VersionMoved || c instanceof ChangeFeed.Down || c instanceof java.net.ConnectException
          || c instanceof java.util.concurrent.TimeoutException || c instanceof io.vertx.core.VertxException) return true;
      String name = c.getClass().getName();
      if (name.startsWith("io.vertx.redis") || name.startsWith("io.netty.channel") || name.contains("NoStackTraceThrowable")) return true;
    }
    return false;
  }
}
