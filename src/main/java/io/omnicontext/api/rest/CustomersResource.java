package io.omnicontext.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnicontext.api.access.AccessPolicy;
import io.omnicontext.api.auth.Principal;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Op;
import io.omnicontext.domain.OpParser;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.service.EraseCustomer;
import io.omnicontext.service.IdempotentCommit.Reply;
import io.omnicontext.service.ReadContext;
import io.omnicontext.service.ReadHistory;
import io.omnicontext.service.WriteChanges;
import io.omnicontext.wire.Frames;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The customer endpoints of the contract: context, changes (write and history), resolve, reach, merge, erase. Binds
 * the request, asks {@link AccessPolicy}, calls the use case and maps its answer.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class CustomersResource {
  private final Caller caller;
  private final WriteChanges writes;
  private final ReadContext contexts;
  private final ReadHistory history;
  private final EraseCustomer erasure;
  private final Frames frames;
  private final ObjectMapper json;
  private final OmnicontextConfig config;
  private final java.time.Clock clock;

  public CustomersResource(Caller caller, WriteChanges writes, ReadContext contexts, ReadHistory history, EraseCustomer erasure,
      Frames frames, ObjectMapper json, OmnicontextConfig config, java.time.Clock clock) {
    this.clock = clock;
    this.caller = caller;
    this.writes = writes;
    this.contexts = contexts;
    this.history = history;
    this.erasure = erasure;
    this.frames = frames;
    this.json = json;
    this.config = config;
  }

  @GET
  @Path("/customers/{customerId}/context")
  public Uni<Response> context(@PathParam("customerId") String customerId) {
    Principal p = caller.get();
    return contexts.existing(AccessPolicy.customer(p, customerId), p.audience())
        .map(c -> Response.ok(c).header("ETag", "\"v" + c.version() + "\"").build());
  }

  @POST
  @Path("/customers/{customerId}/changes")
  @Consumes(MediaType.WILDCARD)
  public Uni<Response> commit(@PathParam("customerId") String customerId, @HeaderParam("Idempotency-Key") String idempotencyKey,
      String body) {
    Principal p = caller.get();
    CustomerKey key = AccessPolicy.customer(p, customerId);
    if (body != null && body.getBytes(StandardCharsets.UTF_8).length > config.maxBodyBytes()) {
      throw new Refusal(Reason.TOO_LARGE, "the request body is over " + config.maxBodyBytes() + " bytes");
    }
    String keyOrNull = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey;
    if (keyOrNull != null && keyOrNull.length() > 255) throw Refusal.badRequest("Idempotency-Key must be at most 255 characters");
    Request request = parse(body);
    List<Op> ops = AccessPolicy.ops(p, request.ops());
    String requestId = caller.requestId(); // read now: the refusal is built later, off the request's thread
    return writes.commit(new WriteChanges.Request(key, ops, request.expectedVersion(), p.actor(), p.audience(), keyOrNull, body),
            r -> refusal(r, requestId))
        .map(CustomersResource::reply);
  }

  @GET
  @Path("/customers/{customerId}/changes")
  public Uni<Map<String, Object>> changes(@PathParam("customerId") String customerId, @QueryParam("after") String after,
      @QueryParam("limit") String limit) {
    Principal p = caller.get();
    return history.after(AccessPolicy.customer(p, customerId), number("after", after, 0), (int) number("limit", limit, 100)).map(page -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("changes", page.changes().stream().map(c -> frames.changeBody(c, p.audience())).toList());
      out.put("next", page.next());
      return out;
    });
  }

  /** Folds customer {"from": id} into this one; the other id keeps a tombstone pointing here. Staff only. */
  @POST
  @Path("/customers/{customerId}/merge")
  @Consumes(MediaType.WILDCARD)
  public Uni<Response> merge(@PathParam("customerId") String customerId, String body) {
    Principal p = caller.get();
    CustomerKey key = AccessPolicy.merge(p, customerId);
    Object from = parseObject(body).get("from");
    if (!(from instanceof String other)) throw Refusal.badRequest("the body must be {\"from\": \"<customer id>\"}");
    return writes.merge(key, other, p.actor(), p.audience()).map(CustomersResource::reply);
  }

  /** Erasure (GDPR article 17): supervisors and integrations only. */
  @DELETE
  @Path("/customers/{customerId}")
  public Uni<Map<String, Object>> erase(@PathParam("customerId") String customerId) {
    Principal p = caller.get();
    return erasure.erase(AccessPolicy.erase(p, customerId)).map(versions -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("customerId", customerId);
      out.put("erased", true);
      out.put("versions", versions);
      return out;
    });
  }

  @GET
  @Path("/customers:resolve")
  public Uni<Map<String, String>> resolve(@QueryParam("type") String type, @QueryParam("value") String value) {
    Principal p = caller.get();
    if (type == null || value == null || type.isBlank() || value.isBlank()) throw Refusal.badRequest("type and value are required");
    return contexts.resolve(p.tenant(), type, value).map(id -> {
      if (!AccessPolicy.mayRead(p, id)) throw Refusal.notFound("no customer has the " + type + " " + value);
      return Map.of("customerId", id);
    });
  }

  @GET
  @Path("/customers/{customerId}/reach")
  public Uni<Map<String, Object>> reach(@PathParam("customerId") String customerId, @QueryParam("purpose") String purpose,
      @QueryParam("channel") String channel) {
    Principal p = caller.get();
    return contexts.reach(AccessPolicy.reach(p, customerId), purpose, channel).map(a -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("allowed", a.allowed());
      out.put("to", a.to());
      out.put("reason", a.reason());
      return out;
    });
  }

  private record Request(List<Op> ops, Long expectedVersion) {}

  private Map<?, ?> parseObject(String body) {
    if (body == null || body.isBlank()) throw Refusal.badRequest("the body must be a JSON object");
    Object tree;
    try {
      tree = json.readValue(body, Object.class);
    } catch (JsonProcessingException e) {
      throw Refusal.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (!(tree instanceof Map<?, ?> m)) throw Refusal.badRequest("the body must be a JSON object");
    return m;
  }

  private Request parse(String body) {
    Map<?, ?> m = parseObject(body);
    if (!m.containsKey("ops")) throw Refusal.badRequest("the body must be a JSON object with an ops array");
    Object expected = m.get("expectedVersion");
    Long expectedVersion = null;
    if (expected != null) {
      if (!(expected instanceof Integer || expected instanceof Long) || ((Number) expected).longValue() < 0) {
        throw Refusal.badRequest("expectedVersion must be a whole number >= 0");
      }
      expectedVersion = ((Number) expected).longValue();
    }
    return new Request(OpParser.parse(m.get("ops"), config.limits().rules(), clock.instant()), expectedVersion);
  }

  /**
   * A refusal as the reply an Idempotency-Key keeps for its retries: a retry gets this body as it is, so its
   * `requestId` names the first request, the one that was refused (the retry's own id is in its header).
   */
  private Reply refusal(Refusal r, String requestId) {
    return new Reply(Problems.status(r.reason()), frames.write(Problems.answering(Problems.of(r), requestId)));
  }

  private static Response reply(Reply r) {
    return Response.status(r.status()).type(r.status() >= 400 ? Problems.TYPE : MediaType.APPLICATION_JSON).entity(r.body()).build();
  }

  private static long number(String name, String raw, long fallback) {
    if (raw == null || raw.isBlank()) return fallback;
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw Refusal.badRequest(name + " must be a whole number");
    }
  }
}
