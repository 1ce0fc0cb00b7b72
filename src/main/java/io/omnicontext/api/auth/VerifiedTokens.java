package io.omnicontext.api.auth;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tokens this node verified lately, by their exact text: an agent's desk, a widget or an upstream system sends the
 * same token on every request, and checking its signature and claims again was a tenth of a write's CPU (JFR, bench
 * `writes`). Only tokens that passed are kept, each until its exp or for {@link #HOLD} at most, so a key withdrawn
 * from the JWKS stops its tokens within that time. Bounded: when full, it starts over.
 */
final class VerifiedTokens {
  static final Duration HOLD = Duration.ofSeconds(60);
  static final int MAX = 10_000;

  private record Entry(Principal principal, long untilMillis) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final LongSupplier nowMillis;

  VerifiedTokens(LongSupplier nowMillis) { this.nowMillis = nowMillis; }

  /** The principal of a token verified before and not expired since; null otherwise. */
  Principal get(String token) {
    Entry e = entries.get(token);
    if (e == null) return null;
    if (nowMillis.getAsLong() < e.untilMillis()) return e.principal();
    entries.remove(token, e);
    return null;
  }

  /** Keeps a token that has just passed verification. */
  void put(String token, Principal principal) {
    if (entries.size() >= MAX) entries.clear();
    long until = Math.min(nowMillis.getAsLong() + HOLD.toMillis(), principal.expiresAt().toEpochMilli());
    entries.put(token, new Entry(principal, until));
  }

  int size() { return entries.size(); }
}
