package io.omnicontext.service;

import io.omnicontext.config.Digest;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.IdempotencyStore;
import io.omnicontext.port.IdempotencyStore.Claim;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a request under its Idempotency-Key: the first one runs, a retry gets the first answer (waiting
 * while it runs), the same key with another body is refused. Answers are (status, body) so a retry
 * returns the very bytes the first one did, as the retrying caller's audience sees them: a customer token never
 * gets a staff rendering replayed.
 */
@ApplicationScoped
public class IdempotentCommit {
  private static final Duration WAIT_STEP = Duration.ofMillis(25);
  private static final int WAIT_STEPS = 600;

  private final IdempotencyStore store;

  public IdempotentCommit(IdempotencyStore store) { this.store = store; }

  /** What a key's record keeps of its request: the SHA-256 of the body, so the same key with another body is refused. */
  public static String fingerprint(String body) { return Digest.sha256(body); }

  /** A final answer: status and exact body. */
  public record Reply(int status, String body) {}

  /**
   * run: performs the request, storing a success with its commit itself; refusal: renders a refusal
   * as the reply to keep for retries.
   */
  public Uni<Reply> run(CustomerKey key, String idempotencyKey, String fingerprint, Audience audience, Supplier<Uni<Reply>> run,
      Function<Refusal, Reply> refusal) {
    return claim(key, idempotencyKey, fingerprint).chain(claim -> {
      if (claim instanceof Claim.Answered a) return Uni.createFrom().item(replay(a, audience, idempotencyKey));
      if (claim instanceof Claim.OtherBody) {
        return Uni.createFrom().failure(new Refusal(Reason.IDEMPOTENCY_KEY_REUSED,
            "Idempotency-Key " + idempotencyKey + " was already used for this customer with a different body"));
      }
      return run.get()
          .onFailure(Refusal.class).recoverWithUni(f -> keep(key, idempotencyKey, fingerprint, refusal.apply((Refusal) f)))
          .onFailure().call(e -> store.release(key, idempotencyKey, fingerprint).onFailure().recoverWithNull());
    });
  }

  /** The first answer as this audience sees it; a record kept before answers were per audience is not replayed to a customer. */
  private static Reply replay(Claim.Answered a, Audience audience, String idempotencyKey) {
    return a.body(audience).map(body -> new Reply(a.status(), body)).orElseThrow(() -> new Refusal(Reason.IDEMPOTENCY_KEY_REUSED,
        "Idempotency-Key " + idempotencyKey + " was first used by a caller of another audience"));
  }

  private Uni<Reply> keep(CustomerKey key, String idempotencyKey, String fingerprint, Reply reply) {
    if (reply.status() >= 500) { // a retry may succeed: keep nothing, let it run
      return store.release(key, idempotencyKey, fingerprint).onFailure().recoverWithNull().replaceWith(reply);
    }
    return store.store(key, IdempotencyStore.Record.same(idempotencyKey, fingerprint, reply.status(), reply.body())).replaceWith(reply);
  }

  /** Claims the key; while another request holds it, asks again until it answered or gave it up. */
  private Uni<Claim> claim(CustomerKey key, String idempotencyKey, String fingerprint) {
    return Uni.createFrom().deferred(() -> store.claim(key, idempotencyKey, fingerprint))
        .map(c -> { if (c instanceof Claim.Pending) throw new StillRunning(); return c; })
        .onFailure(StillRunning.class).retry().withBackOff(WAIT_STEP, WAIT_STEP.multipliedBy(4)).atMost(WAIT_STEPS)
        .onFailure(StillRunning.class).transform(e -> new Refusal(Reason.UNAVAILABLE, "the first request with this Idempotency-Key is still running"));
  }

  private static final class StillRunning extends RuntimeException {
    StillRunning() { super(null, null, false, false); }
  }
}
