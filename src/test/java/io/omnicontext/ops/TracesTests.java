package io.omnicontext.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicontext.config.Digest;
import io.omnicontext.domain.CustomerKey;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TracesTests {
  private static final CustomerKey JULIA = new CustomerKey("demo", "julia");

  private static Traces keyed(String key) { return new Traces(OpenTelemetry.noop().getTracer("test"), Optional.ofNullable(key)); }

  @Test
  void with_a_key_the_customer_hash_cannot_be_found_again_by_hashing_a_guessed_id() {
    // defect guarded: the hash was plain SHA-256 of "tenant/id", so a guessed id ("demo/julia") gave it away
    String guessed = Digest.sha256("demo/julia").substring(0, 16);
    String hash = keyed("deployment-secret").customerHash(JULIA);
    assertTrue(hash.matches("[0-9a-f]{16}"), hash);
    assertNotEquals(guessed, hash);
    assertNotEquals(hash, keyed("another-deployment").customerHash(JULIA), "another key, another name");
  }

  @Test
  void every_node_with_the_same_key_names_a_customer_alike() {
    assertEquals(keyed("k").customerHash(JULIA), keyed("k").customerHash(new CustomerKey("demo", "julia")));
    assertNotEquals(keyed("k").customerHash(JULIA), keyed("k").customerHash(new CustomerKey("demo", "linda")));
  }

  @Test
  void without_a_key_a_blank_one_included_it_is_sha_256_as_before() {
    String plain = Digest.sha256("demo/julia").substring(0, 16);
    assertEquals(plain, keyed(null).customerHash(JULIA));
    assertEquals(plain, keyed(" ").customerHash(JULIA));
  }
}
