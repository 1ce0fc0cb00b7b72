package io.omnicontext.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedTokensTests {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final VerifiedTokens tokens = new VerifiedTokens(now::get);

  private static Principal expiringAt(long millis) {
    return new Principal("agent-1", "acme", Set.of("agent"), "voice", null, Instant.ofEpochMilli(millis), "sha:x");
  }

  @Test
  void a_verified_token_is_known_by_its_exact_text_only() {
    Principal p = expiringAt(now.get() + 3_600_000);
    tokens.put("aaa.bbb.ccc", p);
    assertSame(p, tokens.get("aaa.bbb.ccc"));
    assertNull(tokens.get("aaa.bbb.ccd"), "another signature is another token");
  }

  @Test
  void a_token_is_forgotten_at_its_exp() {
    tokens.put("t", expiringAt(now.get() + 5_000));
    now.addAndGet(4_999);
    assertEquals("agent-1", tokens.get("t").sub());
    now.addAndGet(1);
    assertNull(tokens.get("t"), "expired: verified again, and refused");
    assertEquals(0, tokens.size());
  }

  @Test
  void a_long_lived_token_is_verified_again_after_the_hold() {
    tokens.put("t", expiringAt(now.get() + 86_400_000));
    now.addAndGet(VerifiedTokens.HOLD.toMillis());
    assertNull(tokens.get("t"), "a key withdrawn from the JWKS stops its tokens within the hold");
  }

  @Test
  void the_cache_is_bounded() {
    for (int i = 0; i <= VerifiedTokens.MAX; i++) tokens.put("t" + i, expiringAt(now.get() + 60_000));
    assertEquals(1, tokens.size(), "full: it starts over with the newest");
  }
}
