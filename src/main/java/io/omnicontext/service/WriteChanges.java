package io.omnicontext.service;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Op;
import io.omnicontext.domain.Refusal;
import io.omnicontext.ops.Traces;
import io.omnicontext.port.IdempotencyStore;
import io.omnicontext.service.IdempotentCommit.Reply;
import io.omnicontext.wire.Frames;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The write use cases behind POST changes and POST merge: merge the owners of identities linked with
 * {@code merge: true}, then commit, under the request's Idempotency-Key when it has one. Answers are rendered
 * here, per audience, so that what is stored for a retry is what each audience may see.
 */
@ApplicationScoped
public class WriteChanges {
  private final CommitChanges commits;
  private final IdempotentCommit idempotent;
  private final MergeCustomers merges;
  private final ReadContext contexts;
  private final Frames frames;
  private final Traces traces;

  public WriteChanges(CommitChanges commits, IdempotentCommit idempotent, MergeCustomers merges, ReadContext contexts, Frames frames,
      Traces traces) {
    this.traces = traces;
    this.commits = commits;
    this.idempotent = idempotent;
    this.merges = merges;
    this.contexts = contexts;
    this.frames = frames;
  }

  /**
   * One request's ops, already allowed by the access policy. idempotencyKey null: none; body: the request body
   * the key's fingerprint is taken of.
   */
  public record Request(CustomerKey key, List<Op> ops, Long expectedVersion, Actor actor, Audience audience,
      String idempotencyKey, String body) {}

  /** Commits the request; refusal renders a refusal as the reply kept for retries of the same key. */
  public Uni<Reply> commit(Request r, Function<Refusal, Reply> refusal) {
    return traces.span("omnicontext.write", s -> {
      s.setAttribute(Traces.CUSTOMER, traces.customerHash(r.key()));
      s.setAttribute(Traces.OP_COUNT, (long) r.ops().size());
      s.setAttribute(Traces.OPS, Traces.opNames(r.ops().stream().map(Op::name).toList()));
      s.setAttribute("omnicontext.idempotent", r.idempotencyKey() != null);
    }, () -> commitTraced(r, refusal), (s, reply) -> s.setAttribute("omnicontext.reply.status", (long) reply.status()));
  }

  private Uni<Reply> commitTraced(Request r, Function<Refusal, Reply> refusal) {
    if (r.idempotencyKey() == null) return mergeThenCommit(r, null).map(c -> answer(c, r.audience()));
    String fingerprint = IdempotentCommit.fingerprint(r.body());
    Function<Commit, IdempotencyStore.Record> stored = c -> new IdempotencyStore.Record(r.idempotencyKey(), fingerprint, 200,
        answer(c, Audience.STAFF).body(), answer(c, Audience.CUSTOMER).body());
    return idempotent.run(r.key(), r.idempotencyKey(), fingerprint, r.audience(),
        () -> mergeThenCommit(r, stored).map(c -> answer(c, r.audience())), refusal);
  }

  /** Folds customer {@code from} into {@code survivor}; a merge done before answers the current version and no changes. */
  public Uni<Reply> merge(CustomerKey survivor, String from, Actor actor, Audience audience) {
    return merges.merge(survivor, from, actor).chain(done -> done.isPresent()
        ? Uni.createFrom().item(answer(done.get(), audience))
        : contexts.version(survivor).map(v -> answer(survivor.customerId(), v, List.of())));
  }

  private Uni<Commit> mergeThenCommit(Request r, Function<Commit, IdempotencyStore.Record> stored) {
    return merges.mergeOwnersOfLinks(r.key(), r.ops(), r.actor())
        .chain(() -> commits.commit(r.key(), r.ops(), r.expectedVersion(), r.actor(), stored));
  }

  /** {customerId, version, changes} with each change as the audience may see it. */
  private Reply answer(Commit c, Audience audience) {
    return answer(c.after().customerId(), c.lastVersion(), c.changes().stream().map(ch -> frames.changeBody(ch, audience)).toList());
  }

  private Reply answer(String customerId, long version, List<?> changes) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("customerId", customerId);
    body.put("version", version);
    body.put("changes", changes);
    return new Reply(200, frames.write(body));
  }
}
