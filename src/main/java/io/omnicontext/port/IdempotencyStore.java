package io.omnicontext.port;

import io.omnicontext.domain.Audience;
import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;

/**
 * Idempotency-Key records, per customer, kept at least 24 h. Guarantee: of concurrent requests with
 * one key exactly one is the {@link Claim.Owner}; the others see its stored answer once it is there
 * (a success is stored atomically with its commit, see {@link ContextStore#commit}).
 */
public interface IdempotencyStore {

  /** Claims the key for this request, or tells what the first request with it answered. */
  Uni<Claim> claim(CustomerKey key, String idempotencyKey, String fingerprint);

  /** Stores a final answer (a refusal; successes are stored with their commit). */
  Uni<Void> store(CustomerKey key, Record record);

  /** Gives the key up after a failure that answered nothing final, so a retry may run. */
  Uni<Void> release(CustomerKey key, String idempotencyKey, String fingerprint);

  /**
   * A final answer: the HTTP status and the exact body as each audience sees it (a staff body may hold internal
   * data; a retry by a customer token gets the customer body). A refusal reads the same for both.
   */
  record Record(String idempotencyKey, String fingerprint, int status, String staffBody, String customerBody) {
    public static Record same(String idempotencyKey, String fingerprint, int status, String body) {
      return new Record(idempotencyKey, fingerprint, status, body, body);
    }
  }

  sealed interface Claim {
    record Owner() implements Claim {}
    /** customerBody is null only in records written before answers were kept per audience. */
    record Answered(int status, String staffBody, String customerBody) implements Claim {
      public java.util.Optional<String> body(Audience audience) {
        return java.util.Optional.ofNullable(audience == Audience.STAFF ? staffBody : customerBody);
      }
    }
    record OtherBody() implements Claim {}
    record Pending() implements Claim {}
  }
}
