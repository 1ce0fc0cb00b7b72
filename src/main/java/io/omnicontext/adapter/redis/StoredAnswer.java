package io.omnicontext.adapter.redis;

import io.omnicontext.port.IdempotencyStore;

/**
 * An idempotency record as stored: the request's fingerprint, and the answer once there is one. Written by
 * {@link RedisIdempotencyStore} (claims, failures) and by the commit script with a success ({@link RedisContextStore}).
 */
public record StoredAnswer(String fp, String state, Integer status, String body, String customerBody) {
  static StoredAnswer pending(String fingerprint) { return new StoredAnswer(fingerprint, "pending", null, null, null); }

  static StoredAnswer done(IdempotencyStore.Record r) {
    return new StoredAnswer(r.fingerprint(), "done", r.status(), r.staffBody(), r.customerBody());
  }
}
