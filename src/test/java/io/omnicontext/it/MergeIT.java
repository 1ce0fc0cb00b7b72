package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Identity resolution and merge: a duplicate customer folds into the survivor and leaves a tombstone. The two
 * customers always live in different buckets, so in different Redis slots: the merge locks both
 * (RedisCustomerLocks) and moves the identity (its own slot) across them ({@link ClusterMergeIT} on the cluster).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MergeIT implements Topology {
  private final String tenant = Tokens.newTenant();
  private final String survivor = Tokens.newId("keep");
  private final String duplicate = apart(tenant, survivor, "dup");
  private final Client crm = new Client(one(), Tokens.mint(tenant, "integration", "crm", "system", null));

  /**
   * A new customer id whose keys live in another bucket than {@code other}'s (another slot): a merge of the two
   * crosses slots. The cluster run asks for another master too.
   */
  String apart(String tenant, String other, String prefix) {
    int bucket = bucket(tenant, other);
    for (int i = 0; i < 10_000; i++) {
      String id = Tokens.newId(prefix);
      if (bucket(tenant, id) != bucket) return id;
    }
    throw new IllegalStateException("no id outside bucket " + bucket);
  }

  static int bucket(String tenant, String customer) {
    return io.omnicontext.adapter.redis.RedisKeys.bucket(new io.omnicontext.domain.CustomerKey(tenant, customer));
  }

  private static String in(long hours) { return Instant.now().plus(hours, ChronoUnit.HOURS).toString(); }

  @Test
  void a_duplicate_is_folded_into_the_survivor_and_its_subscribers_learn_where_to_go() {
    String email = duplicate + "@example.com";
    crm.commit(survivor, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Julia Berg")),
        Map.of("op", "offer.issue", "offerId", "o-keep", "title", "x", "originChannel", "email", "price", 1, "validUntil", in(24))));
    crm.commit(duplicate, List.of(Map.of("op", "identity.link", "type", "email", "value", email),
        Map.of("op", "offer.issue", "offerId", "o-dup", "title", "y", "originChannel", "email", "price", 2, "validUntil", in(24)),
        Map.of("op", "offer.redeem", "offerId", "o-dup", "channel", "store"),
        Map.of("op", "case.open", "caseId", "k-dup", "subject", "Sofa leg"),
        Map.of("op", "note.add", "noteId", "n-dup", "text", "called twice", "visibility", "internal"),
        Map.of("op", "interaction.record", "interactionId", "i-dup", "channel", "chat", "kind", "chat", "summary", "hi")));

    Client.Answer taken = crm.post(survivor, List.of(Map.of("op", "identity.link", "type", "email", "value", email)));
    assertEquals(409, taken.status());
    assertEquals("identity_taken", taken.body().path("code").asText());
    assertEquals(duplicate, taken.body().path("customerId").asText(), "the refusal names the customer that has it");

    try (var oldScreen = new Client(two(), Tokens.mint(tenant, "agent", "agent-1", "voice", null)).stream()) {
      oldScreen.subscribe(duplicate);
      Client.Answer merged = crm.send("POST", "/v1/customers/" + survivor + "/merge", Map.of("from", duplicate));
      assertEquals(200, merged.status(), merged.body().toString());
      assertEquals("customer.merge", merged.body().path("changes").get(0).path("op").asText());
      JsonNode tomb = oldScreen.await(f -> "customer.merged".equals(f.path("op").asText()), "the tombstone change");
      assertEquals(survivor, tomb.path("data").path("into").asText());
    }

    JsonNode keep = crm.context(survivor);
    assertEquals("redeemed", keep.path("offers").path("o-dup").path("status").asText(), "a redeemed offer stays redeemed");
    assertTrue(keep.path("offers").has("o-keep"));
    assertEquals("open", keep.path("cases").path("k-dup").path("status").asText());
    assertEquals("n-dup", keep.path("notes").get(0).path("noteId").asText());
    assertEquals("i-dup", keep.path("interactions").get(0).path("interactionId").asText());
    assertEquals(List.of(duplicate), Client.JSON.convertValue(keep.path("mergedFrom"), List.class));
    assertEquals(survivor, crm.get("/v1/customers:resolve?type=email&value=" + email).body().path("customerId").asText());
    assertEquals(survivor, crm.context(duplicate).path("mergedInto").asText());

    Client.Answer late = crm.post(duplicate, List.of(Map.of("op", "profile.set", "fields", Map.of("late", true))));
    assertEquals(409, late.status());
    assertEquals("invalid_state", late.body().path("code").asText());
    long version = keep.path("version").asLong();
    Client.Answer again = crm.send("POST", "/v1/customers/" + survivor + "/merge", Map.of("from", duplicate));
    assertEquals(200, again.status());
    assertEquals(version, again.body().path("version").asLong(), "a retried merge folds nothing twice");

    wipeRedis();
    assertEquals(keep, crm.on(three()).context(survivor), "the merge replays from the journal exactly");
  }

  @Test
  void linking_an_identity_with_merge_true_folds_its_customer_in_first() {
    String phone = "+1555" + (System.nanoTime() % 10_000_000);
    crm.commit(duplicate, List.of(Map.of("op", "identity.link", "type", "phone", "value", phone),
        Map.of("op", "reservation.hold", "reservationId", "r-1", "sku", "SOFA", "storeId", "branch-X", "until", in(48))));
    JsonNode answer = crm.commit(survivor, List.of(Map.of("op", "identity.link", "type", "phone", "value", phone, "merge", true)));
    assertEquals("identity.link", answer.path("changes").get(0).path("op").asText());
    JsonNode keep = crm.context(survivor);
    assertEquals("held", keep.path("reservations").path("r-1").path("status").asText());
    assertEquals(survivor, crm.get("/v1/customers:resolve?type=phone&value=" + phone.replace("+", "%2B")).body().path("customerId").asText());
    assertEquals(survivor, crm.context(duplicate).path("mergedInto").asText());
  }

  @Test
  void opposite_merges_at_once_tombstone_one_customer_never_both() {
    Client other = crm.on(two());
    for (int round = 0; round < 8; round++) {
      String a = Tokens.newId("a"), b = apart(tenant, a, "b");
      crm.commit(a, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "A"))));
      crm.commit(b, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "B"))));
      var aFromB = java.util.concurrent.CompletableFuture.supplyAsync(() -> crm.send("POST", "/v1/customers/" + a + "/merge", Map.of("from", b)));
      var bFromA = java.util.concurrent.CompletableFuture.supplyAsync(() -> other.send("POST", "/v1/customers/" + b + "/merge", Map.of("from", a)));
      List<Client.Answer> answers = List.of(aFromB.join(), bFromA.join());
      assertEquals(1, answers.stream().filter(x -> x.status() == 200).count(), "one merge wins: " + answers);
      Client.Answer loser = answers.stream().filter(x -> x.status() != 200).findFirst().orElseThrow();
      assertEquals(409, loser.status(), loser.body().toString());
      assertEquals("invalid_state", loser.body().path("code").asText());
      JsonNode ctxA = crm.context(a), ctxB = crm.context(b);
      boolean aDead = ctxA.hasNonNull("mergedInto"), bDead = ctxB.hasNonNull("mergedInto");
      assertTrue(aDead ^ bDead, "exactly one tombstone: A into " + ctxA.path("mergedInto") + ", B into " + ctxB.path("mergedInto"));
      JsonNode alive = aDead ? ctxB : ctxA;
      assertEquals(List.of(aDead ? a : b), Client.JSON.convertValue(alive.path("mergedFrom"), List.class), "the survivor holds the other");
    }
  }
}
