package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicontext.domain.Items.Identity;
import io.omnicontext.domain.Items.Interaction;
import io.omnicontext.domain.Items.Note;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProfileOpsTests {

  @Test
  void profile_set_merges_into_the_profile_and_records_its_fields() {
    CustomerContext before = given(profileSet("name", "Ada", "tier", "gold"));
    Commit commit = commit(before, T0.plusSeconds(60), profileSet("tier", "platinum", "timezone", "Europe/Berlin"));
    assertEquals(Map.of("name", "Ada", "tier", "platinum", "timezone", "Europe/Berlin"), commit.after().profile());
    Change change = commit.changes().get(0);
    assertEquals("profile.set", change.op());
    assertEquals(Map.of("fields", Map.of("tier", "platinum", "timezone", "Europe/Berlin")), change.data());
  }

  @Test
  void identity_link_appends_oldest_first_with_the_commit_time_and_lowercases_emails() {
    CustomerContext c = given(link("email", "Ada@Example.COM"));
    c = after(c, T0.plusSeconds(5), link("phone", "+15550100"));
    assertEquals(List.of(new Identity("email", "ada@example.com", T0), new Identity("phone", "+15550100", T0.plusSeconds(5))),
        c.identities());
  }

  @Test
  void linking_the_same_identity_again_keeps_one_entry_but_still_commits_a_version() {
    CustomerContext once = given(link("loyalty", "L-42"));
    Commit again = commit(once, T0.plusSeconds(1), link("loyalty", "L-42"));
    assertEquals(1, again.after().identities().size());
    assertEquals(2, again.after().version());
    assertEquals(List.of(new Identity("loyalty", "L-42", T0.plusSeconds(1))), again.linked());
  }

  @Test
  void preference_set_keeps_preferences_flat_by_dotted_key_with_the_scalar_as_given() {
    CustomerContext c = given(pref("notifications.sms.to", "+15550100"), pref("consent.marketing", false), pref("limits.perWeek", 3));
    assertEquals(Map.of("notifications.sms.to", "+15550100", "consent.marketing", false, "limits.perWeek", 3), c.preferences());
    c = after(c, T0.plusSeconds(1), pref("consent.marketing", true));
    assertEquals(true, c.preferences().get("consent.marketing"));
    assertEquals(3, c.preferences().size());
  }

  @Test
  void a_preference_may_be_set_to_null_and_the_data_keeps_the_null_value() {
    Commit commit = commit(given(pref("notifications.sms.to", "+15550100")), T0, pref("notifications.sms.to", null));
    assertTrue(commit.after().preferences().containsKey("notifications.sms.to"));
    assertNull(commit.after().preferences().get("notifications.sms.to"));
    var expected = new HashMap<String, Object>();
    expected.put("key", "notifications.sms.to");
    expected.put("value", null);
    assertEquals(expected, commit.changes().get(0).data());
  }

  @Test
  void note_add_appends_notes_oldest_first() {
    CustomerContext c = given(note("n-1", "internal"));
    c = after(c, T0.plusSeconds(30), note("n-2", "customer"));
    assertEquals(List.of(new Note("n-1", "called about n-1", "internal", T0), new Note("n-2", "called about n-2", "customer", T0.plusSeconds(30))),
        c.notes());
  }

  @Test
  void a_note_id_cannot_be_added_twice_with_one_visibility() {
    CustomerContext c = given(note("n-1", "internal"));
    refusal(Reason.VALIDATION_FAILED, () -> commit(c, T0, note("n-1", "internal")));
  }

  @Test
  void a_note_id_is_unique_per_visibility_so_a_customer_note_never_reveals_an_internal_one() {
    CustomerContext c = after(given(note("n-1", "internal")), T0.plusSeconds(30), note("n-1", "customer"));
    assertEquals(List.of("internal", "customer"), c.notes().stream().map(Note::visibility).toList());
  }

  @Test
  void interactions_are_kept_newest_first() {
    CustomerContext c = given(interaction("i-1", "chat"));
    c = after(c, T0.plusSeconds(10), interaction("i-2", "voice"));
    assertEquals(List.of("i-2", "i-1"), c.interactions().stream().map(Interaction::interactionId).toList());
    assertEquals(new Interaction("i-2", "voice", "inbound", "asked about delivery", T0.plusSeconds(10)), c.interactions().get(0));
  }

  @Test
  void only_the_newest_50_interactions_stay_in_the_context_while_every_one_is_a_change() {
    var ops = new ArrayList<Map<String, Object>>();
    for (int i = 1; i <= 51; i++) ops.add(interaction("i-" + i, "web"));
    Commit commit = ContextRules.commit(empty(), OpParser.parse(ops), AGENT, T0);
    List<Interaction> kept = commit.after().interactions();
    assertEquals(50, kept.size());
    assertEquals("i-51", kept.get(0).interactionId());
    assertEquals("i-2", kept.get(49).interactionId());
    assertEquals(51, commit.changes().size());
    assertEquals(Map.of("interactionId", "i-1", "channel", "web", "kind", "inbound", "summary", "asked about delivery"),
        commit.changes().get(0).data());
  }

  static Stream<Arguments> invalid_ops() {
    var fields201 = new LinkedHashMap<String, Object>();
    for (int i = 0; i < 201; i++) fields201.put("f" + i, i);
    var note = note("n-1", "customer");
    var interaction = interaction("i-1", "chat");
    return Stream.of(
        bad("profile.set without fields", "fields", op("profile.set")),
        bad("profile.set with a list", "fields", op("profile.set", "fields", List.of("a"))),
        bad("profile.set with 201 fields", "fields", op("profile.set", "fields", fields201)),
        bad("identity.link with an unknown type", "type", link("twitter", "@ada")),
        bad("identity.link without value", "value", without(link("phone", "+1"), "value")),
        bad("identity.link with a number value", "value", op("identity.link", "type", "phone", "value", 15550100)),
        bad("identity.link with a 257 character value", "value", link("device", chars(257))),
        bad("identity.link email without @", "value", link("email", "ada.example.com")),
        bad("preference.set without key", "key", op("preference.set", "value", true)),
        bad("preference.set with a non dotted key", "key", pref("consent..marketing", true)),
        bad("preference.set without value", "value", op("preference.set", "key", "consent.marketing")),
        bad("preference.set with an object value", "value", pref("notifications", Map.of("sms", "+1"))),
        bad("preference.set with a list value", "value", pref("tags", List.of("a"))),
        bad("preference.set with a 4001 character value", "value", pref("bio", chars(4001))),
        bad("note.add without noteId", "noteId", without(note, "noteId")),
        bad("note.add with a bad noteId", "noteId", plus(note, "noteId", "n 1")),
        bad("note.add with 4001 characters", "text", plus(note, "text", chars(4001))),
        bad("note.add with blank text", "text", plus(note, "text", "  ")),
        bad("note.add with a bad visibility", "visibility", plus(note, "visibility", "public")),
        bad("interaction.record with a bad channel", "channel", plus(interaction, "channel", "fax")),
        bad("interaction.record without kind", "kind", without(interaction, "kind")),
        bad("interaction.record with a 1001 character summary", "summary", plus(interaction, "summary", chars(1001))),
        bad("interaction.record with a number summary", "summary", plus(interaction, "summary", 7)),
        bad("interaction.record with a 129 character id", "interactionId", plus(interaction, "interactionId", chars(129))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid_ops")
  void a_bad_field_fails_validation_naming_the_field(String what, String field, Map<String, Object> op) {
    assertInvalid(op, field);
  }
}
