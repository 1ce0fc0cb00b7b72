package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicontext.domain.Items.Identity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ContextRulesTests {

  @Test
  void n_ops_commit_n_changes_with_consecutive_versions_after_the_current_one() {
    CustomerContext atSeven = empty().withVersion(7);
    Commit commit = commit(atSeven, T0, profileSet("name", "Ada"), pref("consent.marketing", true), note("n-1", "customer"));
    assertEquals(List.of(8L, 9L, 10L), commit.changes().stream().map(Change::version).toList());
    assertEquals(8, commit.firstVersion());
    assertEquals(10, commit.lastVersion());
    assertEquals(10, commit.after().version());
    assertEquals(List.of("profile.set", "preference.set", "note.add"), commit.changes().stream().map(Change::op).toList());
  }

  @Test
  void the_first_change_of_an_unknown_customer_is_version_1() {
    assertEquals(1, commit(empty(), T0, profileSet("name", "Ada")).changes().get(0).version());
  }

  @Test
  void a_change_records_customer_op_data_actor_and_the_time_truncated_to_millis() {
    Instant now = Instant.parse("2026-11-23T10:00:00.123456789Z");
    Instant millis = Instant.parse("2026-11-23T10:00:00.123Z");
    Commit commit = commitAs(CLERK, empty(), now, issue("o-1"), redeem("o-1", "store"));
    assertEquals(new Change(CID, 2, "offer.redeem", Map.of("offerId", "o-1", "channel", "store"), CLERK, millis, List.of()),
        commit.changes().get(1));
    assertEquals(millis, commit.after().offers().get("o-1").redeemedAt());
  }

  @Test
  void later_ops_of_a_request_see_the_effects_of_earlier_ones() {
    CustomerContext c = given(issue("o-1"), redeem("o-1", "web"), openCase("k-1"), updateCase("k-1", "priority", "high"));
    assertEquals("redeemed", c.offers().get("o-1").status());
    assertEquals("high", c.cases().get("k-1").priority());
    assertEquals(4, c.version());
  }

  @Test
  void a_refusal_in_a_later_op_leaves_the_input_context_untouched() {
    CustomerContext current = given(profileSet("name", "Ada"), issue("o-1"), interaction("i-1", "chat"));
    CustomerContext snapshot = current.copy();
    refusal(Reason.OFFER_ALREADY_REDEEMED, () -> commit(current, T0.plusSeconds(60), profileSet("name", "Bea"),
        interaction("i-2", "web"), redeem("o-1", "web"), pref("consent.marketing", false), redeem("o-1", "store")));
    assertEquals(snapshot, current);
    assertEquals(3, current.version());
    assertEquals("Ada", current.profile().get("name"));
    assertEquals("issued", current.offers().get("o-1").status());
    assertEquals(1, current.interactions().size());
    assertTrue(current.preferences().isEmpty());
  }

  @Test
  void a_successful_commit_does_not_change_the_context_it_started_from() {
    CustomerContext current = given(issue("o-1"));
    CustomerContext snapshot = current.copy();
    Commit commit = commit(current, T0, redeem("o-1", "web"), profileSet("name", "Ada"), link("phone", "+15550100"));
    assertEquals(snapshot, current);
    assertSame(current, commit.before());
    assertEquals("issued", current.offers().get("o-1").status());
    assertEquals("redeemed", commit.after().offers().get("o-1").status());
  }

  @Test
  void apply_changes_a_copy_and_leaves_the_version_alone() {
    CustomerContext current = given(profileSet("name", "Ada"));
    CustomerContext next = ContextRules.apply(current, parse(profileSet("name", "Bea")).get(0), AGENT, T0);
    assertEquals("Ada", current.profile().get("name"));
    assertEquals("Bea", next.profile().get("name"));
    assertEquals(1, next.version());
  }

  @Test
  void the_commit_lists_the_identities_it_linked() {
    Commit commit = commit(empty(), T0, link("email", "Ada@Example.com"), profileSet("name", "Ada"), link("phone", "+15550100"));
    assertEquals(List.of(new Identity("email", "ada@example.com", T0), new Identity("phone", "+15550100", T0)), commit.linked());
  }

  @Test
  void each_change_carries_the_actor_of_the_request() {
    Commit commit = commitAs(CLERK, empty(), T0, profileSet("a", 1), profileSet("b", 2));
    assertTrue(commit.changes().stream().allMatch(ch -> ch.actor().equals(CLERK) && ch.at().equals(T0) && ch.customerId().equals(CID)));
  }

  @Test
  void a_change_that_alters_nothing_in_attention_carries_null_and_one_that_does_carries_the_list() {
    Commit commit = commit(empty(), T0, profileSet("name", "Ada"), openCase("k-1"), updateCase("k-1", "status", "waiting"));
    assertNull(commit.changes().get(0).attention());
    assertEquals(List.of("case_open:k-1"), kinds(commit.changes().get(1).attention()));
    assertNull(commit.changes().get(2).attention());
    assertFalse(commit.after().attention().isEmpty());
  }

  /** Audit gap 11: a customer's note.add with an internal note's id answered "already exists", revealing the note. */
  @Test
  void a_note_id_is_unique_within_its_visibility_so_a_customer_note_never_meets_an_internal_one() {
    CustomerContext c = given(note("n-1", "internal"));
    CustomerContext both = commit(c, T0, note("n-1", "customer")).after();
    assertEquals(List.of("internal", "customer"), both.notes().stream().map(Items.Note::visibility).toList());
    refusal(Reason.VALIDATION_FAILED, () -> commit(both, T0, note("n-1", "customer")));
    refusal(Reason.VALIDATION_FAILED, () -> commit(both, T0, note("n-1", "internal")));
  }
}
