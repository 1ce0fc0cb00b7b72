package io.omnicontext.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnicontext.api.auth.Principal;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Op;
import io.omnicontext.domain.OpParser;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.IdempotencyStore;
import io.omnicontext.service.CommitChanges;
import io.omnicontext.service.IdempotentCommit;
import io.omnicontext.service.IdempotentCommit.Reply;
import io.omnicontext.service.ReadContext;
import io.omnicontext.service.ReadHistory;
import io.omnicontext.wire.Frames;
import io.smallrye.mutiny.Uni;
import io.omnicontext.service.EraseCustomer;
import io.omnicontext.service.MergeCustomers;
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
import java.util.Set;
import java.util.function.Function;

/** The customer endpoints of the contract: context, changes (write and history), resolve, reach. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class CustomersResource {
  /** Ops a customer's own app may not commit: internal work and what agents or systems decide. */
  private static final Set<String> STAFF_ONLY_OPS = Set.of("offer.issue", "case.open", "case.update", "case.resolve",
      "handoff.create", "handoff.accept", "handoff.complete", "identity.link");

  private final Caller caller;
  private final CommitChanges commits;
  private final IdempotentCommit idempotent;
  private final ReadContext contexts;
  private final ReadHistory history;
  private final Frames frames;
  private final ObjectMapper json;
  private final io.omnicontext.config.OmnicontextConfig config;
  private final EraseCustomer erasure;
  private final MergeCustomers merges;

  public CustomersResource(Caller caller, CommitChanges commits, IdempotentCommit idempotent, ReadContext contexts,
      ReadHistory history, Frames frames, ObjectMapper json, io.omnicontext.config.OmnicontextConfig config, EraseCustomer erasure,
      MergeCustomers merges) {
    this.erasure = erasure;
    this.merges = merges;
    this.caller = caller;
    this.commits = commits;
    this.idempotent = idempotent;
    this.contexts = contexts;
    this.history = history;
    this.frames = frames;
    this.json = json;
    this.config = config;
  }

  @GET
  @Path("/customers/{customerId}/context")
  public Uni<Response> context(@PathParam("customerId") String customerId) {
    Principal p = caller.get();
    return contexts.existing(readable(p, customerId), p.audience())
        .map(c -> Response.ok(c).header("ETag", "\"v" + c.version() + "\"").build());
  }

  @POST
  @Path("/customers/{customerId}/changes")
  @Consumes(MediaType.WILDCARD)
  public Uni<Response> commit(@PathParam("customerId") String customerId, @HeaderParam("Idempotency-Key") String idempotencyKey,
      String body) {
    Principal p = caller.get();
    CustomerKey key = readable(p, customerId);
    if (body != null && body.getBytes(StandardCharsets.UTF_8).length > config.maxBodyBytes()) {
      throw new Refusal(Reason.TOO_LARGE, "the request body is over " + config.maxBodyBytes() + " bytes");
    }
    Request request = parse(body);
    if (p.audience() == Audience.CUSTOMER) request.ops().forEach(CustomersResource::allowedForCustomer);
    Function<Commit, Reply> answer = c -> answer(c, p.audience());
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      return merges.mergeOwnersOfLinks(key, request.ops(), p.actor())
          .chain(() -> commits.commit(key, request.ops(), request.expectedVersion(), p.actor(), null)).map(c -> reply(answer.apply(c)));
    }
    if (idempotencyKey.length() > 255) throw Refusal.badRequest("Idempotency-Key must be at most 255 characters");
    String fingerprint = IdempotentCommit.fingerprint(body);
    Function<Commit, IdempotencyStore.Record> stored = c -> new IdempotencyStore.Record(idempotencyKey, fingerprint, 200, answer.apply(c).body());
    return idempotent.run(key, idempotencyKey, fingerprint,
            () -> merges.mergeOwnersOfLinks(key, request.ops(), p.actor())
                .chain(() -> commits.commit(key, request.ops(), request.expectedVersion(), p.actor(), stored)).map(answer),
            r -> new Reply(Problems.status(r.reason()), frames.write(Problems.of(r))))
        .map(CustomersResource::reply);
  }

  @GET
  @Path("/customers/{customerId}/changes")
  public Uni<Map<String, Object>> changes(@PathParam("customerId") String customerId, @QueryParam("after") String after,
      @QueryParam("limit") String limit) {
    Principal p = caller.get();
    return history.after(readable(p, customerId), number("after", after, 0), (int) number("limit", limit, 100)).map(page -> {
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
    CustomerKey key = readable(p, customerId);
    if (p.audience() == Audience.CUSTOMER) throw new Refusal(Reason.FORBIDDEN, "customer tokens may not merge customers");
    Object from = parseObject(body).get("from");
    if (!(from instanceof String other)) throw Refusal.badRequest("the body must be {\"from\": \"<customer id>\"}");
    return merges.merge(key, other, p.actor()).chain(done -> done.isPresent()
        ? Uni.createFrom().item(reply(answer(done.get(), p.audience())))
        : contexts.version(key).map(v -> { // merged before: nothing new committed
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("customerId", customerId);
          out.put("version", v);
          out.put("changes", List.of());
          return reply(new Reply(200, frames.write(out)));
        }));
  }

  /** Erasure (GDPR article 17): supervisors and integrations only. */
  @DELETE
  @Path("/customers/{customerId}")
  public Uni<Map<String, Object>> erase(@PathParam("customerId") String customerId) {
    Principal p = caller.get();
    CustomerKey key = readable(p, customerId);
    if (!p.mayErase()) throw new Refusal(Reason.FORBIDDEN, "erasure needs a supervisor or integration token");
    return erasure.erase(key).map(versions -> {
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
      if (!p.mayRead(id)) throw Refusal.notFound("no customer has the " + type + " " + value);
      return Map.of("customerId", id);
    });
  }

  @GET
  @Path("/customers/{customerId}/reach")
  public Uni<Map<String, Object>> reach(@PathParam("customerId") String customerId, @QueryParam("purpose") String purpose,
      @QueryParam("channel") String channel) {
    Principal p = caller.get();
    if (p.audience() == Audience.CUSTOMER) throw Refusal.notFound("reach is for senders, not customer tokens");
    return contexts.reach(readable(p, customerId), purpose, channel).map(a -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("allowed", a.allowed());
      out.put("to", a.to());
      out.put("reason", a.reason());
      return out;
    });
  }

  /** The customer's key if the caller may read it; 404 otherwise (no existence leak). */
  static CustomerKey readable(Principal p, String customerId) {
    if (!CustomerKey.isCustomerId(customerId)) throw Refusal.notFound("no customer " + customerId);
    if (!p.mayRead(customerId)) throw Refusal.notFound("no customer " + customerId);
    return p.key(customerId);
  }

  private static void allowedForCustomer(Op op) {
    boolean internalNote = op instanceof io.omnicontext.domain.ProfileOps.NoteAdd n && n.internal();
    if (STAFF_ONLY_OPS.contains(op.name()) || internalNote) {
      throw new Refusal(Reason.FORBIDDEN, "a customer token may not commit " + op.name());
    }
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
    return new Request(OpParser.parse(m.get("ops"), config.limits().rules(), java.time.Instant.now()), expectedVersion);
  }

  /** {customerId, version, changes} with each change as the writer's audience may see it. */
  private Reply answer(Commit c, Audience audience) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("customerId", c.after().customerId());
    body.put("version", c.lastVersion());
    body.put("changes", c.changes().stream().map(ch -> frames.changeBody(ch, audience)).toList());
    return new Reply(200, frames.write(body));
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
