package io.omnicontext.service.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.omnicontext.config.JsonConfig;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.ContextRules;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.OpParser;
import io.omnicontext.domain.Redaction;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LivePatchesTests {
  private static final ObjectMapper JSON = quarkusLike();
  private static final LivePatches PATCHES = new LivePatches(JSON);
  private static final Actor AGENT = new Actor("agent-7", "voice");
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void every_member_of_the_context_but_its_id_and_version_is_diffed() throws Exception {
    var components = Arrays.stream(CustomerContext.class.getRecordComponents()).map(c -> c.getName())
        .filter(n -> !n.equals("customerId") && !n.equals("version")).toList();
    var diffed = PATCHES.diff(CustomerContext.empty("c"), CustomerContext.empty("c").withMergedInto("x"));
    assertEquals(List.of("/mergedInto"), diffed.stream().map(o -> o.get("path")).toList());
    var field = LivePatches.class.getDeclaredField("MEMBERS");
    field.setAccessible(true);
    assertEquals(components, List.copyOf(((Map<?, ?>) field.get(null)).keySet()));
  }

  @Test
  void the_patches_of_a_busy_history_rebuild_the_context_for_staff_and_for_the_customer() {
    CustomerContext ctx = CustomerContext.empty("c-1");
    List<List<Map<String, Object>>> requests = List.of(
        List.of(op("profile.set", "fields", Map.of("name", "Ada", "address", Map.of("city", "Berlin"))),
            op("identity.link", "type", "email", "value", "ada@example.com")),
        List.of(op("note.add", "noteId", "n-1", "text", "SECRET internal", "visibility", "internal"),
            op("note.add", "noteId", "n-2", "text", "we called you", "visibility", "customer")),
        List.of(op("offer.issue", "offerId", "o-1", "title", "Sofa -15%", "originChannel", "email", "validUntil", "2026-11-30T10:00:00Z"),
            op("offer.redeem", "offerId", "o-1", "channel", "voice")),
        List.of(op("case.open", "caseId", "k-1", "subject", "Late parcel", "owner", "agent-secret", "priority", "high"),
            op("case.update", "caseId", "k-1", "status", "waiting")),
        List.of(op("handoff.create", "handoffId", "h-1", "kind", "case", "ref", "k-1", "fromChannel", "voice",
            "toTeam", "backoffice:transfers", "dueBy", "2026-11-24T10:00:00Z", "note", "please call back")),
        List.of(op("preference.set", "key", "consent.marketing", "value", false),
            op("profile.set", "fields", Map.of("address", Map.of("city", "Hamburg")))),
        List.of(op("appointment.schedule", "appointmentId", "a-1", "kind", "fitting", "at", "2026-11-23T20:00:00Z"),
            op("appointment.reschedule", "appointmentId", "a-1", "at", "2026-11-24T09:00:00Z"),
            op("reservation.hold", "reservationId", "r-1", "sku", "SOFA", "storeId", "branch-X", "until", "2026-11-24T10:00:00Z"),
            op("engagement.start", "engagementId", "e-1", "channel", "voice", "activity", "on-call")),
        List.of(op("handoff.accept", "handoffId", "h-1"), op("case.resolve", "caseId", "k-1"), op("engagement.end", "engagementId", "e-1")));
    int interactions = 0;
    for (List<Map<String, Object>> ops : requests) ctx = checked(ctx, ops);
    for (int i = 0; i < 55; i++) { // past the 50 kept: newest first, the oldest falls off
      ctx = checked(ctx, List.of(op("interaction.record", "interactionId", "i-" + i, "channel", "chat", "kind", "inbound", "summary", "hi")));
      interactions++;
    }
    assertEquals(55, interactions);
    assertEquals(50, ctx.interactions().size());
  }

  /** Commits the ops, applies each change's patch to the previous view, and compares with the next view. */
  private static CustomerContext checked(CustomerContext before, List<Map<String, Object>> ops) {
    Commit commit = PATCHES.attach(ContextRules.commit(before, OpParser.parse(ops), AGENT, T0));
    for (Audience audience : Audience.values()) {
      JsonNode view = view(before, audience);
      for (int i = 0; i < commit.changes().size(); i++) {
        Change c = commit.changes().get(i);
        view = PatchApply.apply(JSON, view, audience == Audience.STAFF ? c.patch() : c.customerPatch());
        assertEquals(view(commit.steps().get(i), audience), view, audience + " view after " + c.op());
      }
    }
    return commit.after();
  }

  /** What GET context answers for the audience, without customerId and version. */
  private static JsonNode view(CustomerContext c, Audience audience) {
    ObjectNode tree = JSON.valueToTree(Redaction.context(c, audience));
    tree.remove("customerId");
    tree.remove("version");
    return tree;
  }

  private static Map<String, Object> op(String name, Object... fieldsAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", name);
    for (int i = 0; i < fieldsAndValues.length; i += 2) m.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
    return m;
  }

  private static ObjectMapper quarkusLike() {
    ObjectMapper m = new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    new JsonConfig().customize(m);
    return m;
  }
}
