package io.omnicontext.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Identity uniqueness across slots (identity-claim.lua, identity-settle.lua), against the real Redis bin/test started. */
@QuarkusTest
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class IdentityClaimsTests {
  @Inject IdentityClaims claims;
  @Inject ReactiveRedisDataSource redis;

  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  private final String key = RedisKeys.identity(tenant, "email", "ada@example.com");

  private static <T> T await(Uni<T> uni) { return uni.await().atMost(Duration.ofSeconds(5)); }

  private Optional<String> holder() { return await(claims.holder(key)); }

  /** A claim where the journal holds none of the keys (what the service passes after asking it). */
  private Uni<List<String>> claimed(List<String> keys, String owner, String adoptFrom) {
    return claims.claim(keys, owner, adoptFrom, java.util.Collections.nCopies(keys.size(), ""));
  }

  @Test
  void a_missing_key_is_not_claimed_before_the_journal_was_asked_as_it_may_be_a_lost_one() {
    String held = RedisKeys.identity(tenant, "phone", "+300");
    await(claimed(List.of(held), "bob", null));
    IdentityClaims.Unchecked unchecked = assertThrows(IdentityClaims.Unchecked.class,
        () -> await(claims.claim(List.of(held, key), "bob", null, java.util.Arrays.asList("", null))));
    assertEquals(List.of(1), unchecked.indexes);
    assertEquals(0L, await(redis.execute("EXISTS", key)).toLong(), "nothing claimed");
  }

  @Test
  void a_key_redis_lost_goes_by_the_journals_holder_which_only_a_merge_from_it_takes_over() {
    IdentityClaims.Taken taken = assertThrows(IdentityClaims.Taken.class, () -> await(claims.claim(List.of(key), "bob", null, List.of("ada"))));
    assertEquals("ada", taken.holder, "the journal's holder refuses another customer although Redis forgot the key");
    assertEquals(List.of(), await(claims.claim(List.of(key), "ada", null, List.of("ada"))), "its holder links it again");
    assertEquals(List.of(key), await(claims.claim(List.of(key), "surv", "ada", List.of("ada"))), "a merge from the holder takes it over");
    await(claims.settle(List.of(key), "surv", IdentityClaims.Settle.RELEASE));
    assertEquals(Optional.of("ada"), holder(), "a failed merge gives it back to the journal's holder");
  }

  @Test
  void a_pending_claim_refuses_another_customer_and_is_no_holder_until_confirmed() {
    assertEquals(List.of(key), await(claimed(List.of(key), "ada", null)));
    IdentityClaims.Taken taken = assertThrows(IdentityClaims.Taken.class, () -> await(claimed(List.of(key), "bob", null)));
    assertEquals("ada", taken.holder);
    assertEquals(Optional.empty(), holder(), "resolve does not answer a customer whose commit may still fail");
    await(claims.settle(List.of(key), "ada", IdentityClaims.Settle.CONFIRM));
    assertEquals(Optional.of("ada"), holder());
    assertEquals(List.of(), await(claimed(List.of(key), "ada", null)), "already the owner's: nothing to give back");
  }

  @Test
  void a_failed_commit_gives_its_claims_back_and_the_previous_holder_keeps_them() {
    String second = RedisKeys.identity(tenant, "phone", "+100");
    await(claimed(List.of(key), "dup", null));
    await(claims.settle(List.of(key), "dup", IdentityClaims.Settle.CONFIRM));

    // a merge into "surv" takes over dup's identity, then its commit fails
    assertEquals(List.of(key, second), await(claimed(List.of(key, second), "surv", "dup")));
    await(claims.settle(List.of(key, second), "surv", IdentityClaims.Settle.RELEASE));
    assertEquals(Optional.of("dup"), holder());
    assertEquals(Optional.empty(), await(claims.holder(second)));
    assertEquals(0L, await(redis.execute("EXISTS", second)).toLong(), "a released fresh claim leaves no key behind");
  }

  @Test
  void one_taken_identity_refuses_the_commit_and_gives_back_the_claims_made_before_it() {
    String free = RedisKeys.identity(tenant, "phone", "+200");
    await(claimed(List.of(key), "ada", null));
    await(claims.settle(List.of(key), "ada", IdentityClaims.Settle.CONFIRM));
    assertThrows(IdentityClaims.Taken.class, () -> await(claimed(List.of(free, key), "bob", null)));
    assertEquals(0L, await(redis.execute("EXISTS", free)).toLong(), "no claim left behind by the refused commit");
  }

  @Test
  void the_claim_of_a_writer_that_died_expires_back_to_the_previous_holder() {
    long past = System.currentTimeMillis() - 1;
    await(redis.execute("SET", key, "~dead~" + past + "~ada"));
    assertEquals(Optional.of("ada"), holder());
    IdentityClaims.Taken taken = assertThrows(IdentityClaims.Taken.class, () -> await(claimed(List.of(key), "bob", null)));
    assertEquals("ada", taken.holder, "the expired claim counts as its previous holder");
    assertEquals(List.of(key), await(claimed(List.of(key), "ada2", "ada")), "a merge may take it over from that holder");
  }

  @Test
  void the_relay_confirming_again_changes_nothing_and_never_takes_another_customers_identity() {
    await(claimed(List.of(key), "ada", null));
    await(claims.settle(List.of(key), "ada", IdentityClaims.Settle.CONFIRM));
    await(claims.settle(List.of(key), "ada", IdentityClaims.Settle.CONFIRM));
    assertEquals(Optional.of("ada"), holder());
    await(claims.settle(List.of(key), "bob", IdentityClaims.Settle.CONFIRM));
    assertEquals(Optional.of("ada"), holder(), "a confirm for another customer does not take it");
    await(claims.erase(List.of(key), "ada"));
    assertEquals(Optional.empty(), holder());
  }
}
