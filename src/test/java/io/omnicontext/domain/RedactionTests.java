package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedactionTests {

  @SafeVarargs
  private static List<Change> changes(Map<String, Object>... ops) { return commit(empty(), T0, ops).changes(); }

  private static Change seenByCustomer(Change c) { return Redaction.change(c, Audience.CUSTOMER).orElseThrow(); }

  @Test
  void staff_see_every_change_as_committed() {
    Change internal = changes(note("n-1", "internal")).get(0);
    assertSame(internal, Redaction.change(internal, Audience.STAFF).orElseThrow());
  }

  @Test
  void an_internal_note_is_a_placeholder_for_a_customer_but_a_customer_note_is_shown() {
    List<Change> cs = changes(note("n-1", "internal"), note("n-2", "customer"));
    assertEquals(Optional.empty(), Redaction.change(cs.get(0), Audience.CUSTOMER));
    Change shown = seenByCustomer(cs.get(1));
    assertEquals(2, shown.version());
    assertEquals("called about n-2", shown.data().get("text"));
  }

  @Test
  void every_handoff_change_is_a_placeholder_for_a_customer() {
    List<Change> cs = changes(handoff("h-1", "store:branch-X", "2026-11-23T12:00:00Z"), accept("h-1"), complete("h-1", "done"));
    Change overdue = ContextRules.commit(given(handoff("h-2", "store:branch-X", "2026-11-23T12:00:00Z")),
        List.of(new HandoffOps.HandoffOverdue("h-2")), Actor.SERVER, T0).changes().get(0);
    for (Change c : List.of(cs.get(0), cs.get(1), cs.get(2), overdue)) {
      assertEquals(Optional.empty(), Redaction.change(c, Audience.CUSTOMER), c.op());
      assertSame(c, Redaction.change(c, Audience.STAFF).orElseThrow());
    }
  }

  @Test
  void a_customer_sees_the_actor_channel_but_not_the_agent_sub() {
    Change c = seenByCustomer(changes(profileSet("name", "Ada")).get(0));
    assertEquals(new Actor(null, "voice"), c.actor());
    assertEquals(new Change(CID, 1, "profile.set", Map.of("fields", Map.of("name", "Ada")), new Actor(null, "voice"), T0, null), c);
  }

  @Test
  void a_customer_does_not_see_a_case_owner_in_a_case_change() {
    List<Change> cs = changes(openCase("k-1", "owner", "agent-7"), updateCase("k-1", "owner", "agent-9", "priority", "high"));
    assertEquals(Map.of("caseId", "k-1", "subject", "Late parcel"), seenByCustomer(cs.get(0)).data());
    assertEquals(Map.of("caseId", "k-1", "priority", "high"), seenByCustomer(cs.get(1)).data());
    assertEquals("agent-9", cs.get(1).data().get("owner"));
  }

  @Test
  void a_customer_sees_only_its_own_cues_in_a_change_attention() {
    List<Change> cs = changes(openCase("k-1"), issue("o-1"));
    assertEquals(List.of(), seenByCustomer(cs.get(0)).attention());
    assertEquals(List.of("offer_redeemable:o-1"), kinds(seenByCustomer(cs.get(1)).attention()));
    assertEquals(2, cs.get(1).attention().size());
  }

  @Test
  void the_customer_context_drops_internal_notes_case_owners_handoffs_and_internal_cues() {
    CustomerContext full = given(note("n-1", "internal"), note("n-2", "customer"), openCase("k-1", "owner", "agent-7"),
        handoff("h-1", "store:branch-X", "2026-11-23T12:00:00Z"), issue("o-1"), profileSet("name", "Ada"));
    CustomerContext seen = Redaction.context(full, Audience.CUSTOMER);
    assertEquals(List.of("n-2"), seen.notes().stream().map(Items.Note::noteId).toList());
    assertNull(seen.cases().get("k-1").owner());
    assertEquals("Late parcel", seen.cases().get("k-1").subject());
    assertTrue(seen.handoffs().isEmpty());
    assertEquals(List.of("offer_redeemable:o-1"), kinds(seen.attention()));
    assertEquals(full.version(), seen.version());
    assertEquals(full.offers(), seen.offers());
    assertEquals(Map.of("name", "Ada"), seen.profile());
  }

  @Test
  void redacting_the_context_leaves_the_staff_context_whole() {
    CustomerContext full = given(note("n-1", "internal"), openCase("k-1", "owner", "agent-7"), handoff("h-1", "store:branch-X", "2026-11-23T12:00:00Z"));
    CustomerContext snapshot = full.copy();
    Redaction.context(full, Audience.CUSTOMER);
    assertEquals(snapshot, full);
    assertSame(full, Redaction.context(full, Audience.STAFF));
    assertEquals("agent-7", full.cases().get("k-1").owner());
  }

  /** A merge of a duplicate that holds an internal note, a case with an owner and an accepted hand-off. */
  private static Change mergeOfDuplicateWithInternals() {
    CustomerContext dup = ContextRules.commit(CustomerContext.empty("dup"), parse(note("n-int", "internal"), note("n-pub", "customer"),
        openCase("k-1", "owner", "agent-secret"), handoff("h-1", "store:branch-X", WEEK_LATER), accept("h-1"), link("email", "dup@example.com")),
        AGENT, T0).after();
    return ContextRules.commit(empty(), List.of(MergeOps.CustomerMerge.of(dup)), AGENT, T0).changes().get(0);
  }

  @Test
  void a_customer_sees_a_merge_without_the_folded_internal_notes_case_owners_or_handoffs() {
    Change merge = mergeOfDuplicateWithInternals();
    Change seen = seenByCustomer(merge);
    assertEquals(List.of("n-pub"), ((List<?>) seen.data().get("notes")).stream().map(n -> ((Items.Note) n).noteId()).toList());
    assertNull(((Items.SupportCase) ((List<?>) seen.data().get("cases")).get(0)).owner());
    assertEquals(List.of(), seen.data().get("handoffs"));
    assertEquals(merge.data().get("identities"), seen.data().get("identities"), "the customer's own identities stay");
    assertEquals(2, ((List<?>) merge.data().get("notes")).size(), "staff keep everything");
    assertEquals("agent-secret", ((Items.SupportCase) ((List<?>) merge.data().get("cases")).get(0)).owner());
    assertTrue(!seen.toString().contains("agent-secret") && !seen.toString().contains("called about n-int")
        && !seen.toString().contains(AGENT.sub()), seen.toString());
  }

  /** The data as Redis and the journal hand it back: JSON maps and lists, instants as strings. */
  @SuppressWarnings("unchecked")
  private static Object asJson(Object v) {
    if (v instanceof Instant || v instanceof Number || v instanceof Boolean || v instanceof String || v == null) return v == null ? null : v instanceof Instant ? v.toString() : v;
    if (v instanceof Map<?, ?> m) {
      var out = new java.util.LinkedHashMap<String, Object>();
      m.forEach((k, x) -> out.put((String) k, asJson(x)));
      return out;
    }
    if (v instanceof List<?> l) return l.stream().map(RedactionTests::asJson).toList();
    if (v instanceof Record r) {
      var out = new java.util.LinkedHashMap<String, Object>();
      for (var c : r.getClass().getRecordComponents()) {
        try {
          out.put(c.getName(), asJson(c.getAccessor().invoke(r)));
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
      return out;
    }
    throw new AssertionError("not JSON: " + v);
  }

  @Test
  @SuppressWarnings("unchecked")
  void a_merge_read_back_as_json_is_redacted_the_same_way() {
    Change merge = mergeOfDuplicateWithInternals();
    Change stored = new Change(merge.customerId(), merge.version(), merge.op(), (Map<String, Object>) asJson(merge.data()), merge.actor(),
        merge.at(), merge.attention());
    Map<String, Object> seen = seenByCustomer(stored).data();
    assertEquals(List.of("n-pub"), ((List<Map<String, Object>>) seen.get("notes")).stream().map(n -> n.get("noteId")).toList());
    Map<String, Object> kase = ((List<Map<String, Object>>) seen.get("cases")).get(0);
    assertTrue(kase.containsKey("owner") && kase.get("owner") == null, kase.toString());
    assertEquals("k-1", kase.get("caseId"));
    assertEquals(List.of(), seen.get("handoffs"));
    assertTrue(!seen.toString().contains("agent-secret") && !seen.toString().contains("called about n-int")
        && !seen.toString().contains(AGENT.sub()), seen.toString());
  }
}
