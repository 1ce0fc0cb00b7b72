package io.omnicontext.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.omnicontext.config.JsonCodec;
import io.omnicontext.config.JsonConfig;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.TeamBoard;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FramesTests {
  private static final ObjectMapper JSON = mapper();
  private static final Frames FRAMES = new Frames(new JsonCodec(JSON));
  private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");
  private static final List<Map<String, Object>> STAFF_PATCH = List.of(Map.of("op", "add", "path", "/notes/0", "value", "n"));

  @Test
  void every_frame_starts_with_its_type_and_leaves_out_what_does_not_apply() throws Exception {
    assertEquals("{\"type\":\"subscribed\",\"id\":\"r1\",\"customerId\":\"c-1\",\"version\":3}",
        FRAMES.write(ServerFrame.Subscribed.customer("r1", "c-1", 3)));
    assertEquals("{\"type\":\"subscribed\",\"id\":\"r1\",\"team\":\"store:x\",\"seq\":0}", FRAMES.write(ServerFrame.Subscribed.team("r1", "store:x", 0)));
    assertEquals("{\"type\":\"snapshot\",\"team\":\"store:x\",\"seq\":2,\"handoffs\":[{\"a\":1}]}",
        FRAMES.write(ServerFrame.Snapshot.team("store:x", 2, List.of("{\"a\":1}"))));
    // each stored item goes out as it is, one element each; an empty board is an empty list, not a missing member
    assertEquals("{\"type\":\"snapshot\",\"team\":\"store:x\",\"seq\":3,\"handoffs\":[{\"a\":1},{\"b\":[2]}]}",
        FRAMES.write(ServerFrame.Snapshot.team("store:x", 3, List.of("{\"a\":1}", "{\"b\":[2]}"))));
    assertEquals("{\"type\":\"snapshot\",\"team\":\"store:x\",\"seq\":0,\"handoffs\":[]}", FRAMES.write(ServerFrame.Snapshot.team("store:x", 0, List.of())));
    // the SSE stream's last event when the token expires: an error frame without id
    assertEquals("{\"type\":\"error\",\"code\":\"unauthorized\",\"message\":\"the token expired\"}",
        FRAMES.write(new ServerFrame.Error(null, "unauthorized", "the token expired")));
    assertEquals("{\"type\":\"pong\",\"id\":\"r4\"}", FRAMES.write(new ServerFrame.Pong("r4")));
    assertEquals("{\"type\":\"error\",\"id\":\"r1\",\"code\":\"forbidden\",\"message\":\"no\"}",
        FRAMES.write(new ServerFrame.Error("r1", "forbidden", "no")));
    JsonNode snapshot = JSON.readTree(FRAMES.write(ServerFrame.Snapshot.customer(CustomerContext.empty("c-1"))));
    assertEquals(List.of("type", "customerId", "version", "context"), names(snapshot));
  }

  @Test
  void a_change_frame_is_the_change_as_the_audience_sees_it_with_its_own_patch() throws Exception {
    Change internal = new Change("c-1", 7, "note.add", Map.of("noteId", "n-1", "text", "SECRET", "visibility", "internal"),
        new Actor("agent-7", "voice"), AT, null).withPatches(STAFF_PATCH, List.of());
    JsonNode staff = JSON.readTree(FRAMES.delivery(internal).frame(Audience.STAFF));
    assertEquals(List.of("type", "customerId", "version", "op", "data", "actor", "at", "patch"), names(staff));
    assertEquals("add", staff.path("patch").get(0).path("op").asText());
    JsonNode customer = JSON.readTree(FRAMES.delivery(internal).frame(Audience.CUSTOMER));
    assertEquals("{\"type\":\"change\",\"customerId\":\"c-1\",\"version\":7,\"op\":\"redacted\",\"patch\":[]}", customer.toString());
  }

  @Test
  void a_team_frame_split_around_its_seq_becomes_the_frame_once_the_script_puts_the_seq_in() throws Exception {
    Change accept = new Change("c-1", 4, "handoff.accept", Map.of("handoffId", "h-1"), new Actor("clerk", "store"), AT, null)
        .withPatches(STAFF_PATCH, List.of());
    TeamBoard.Item item = new TeamBoard.Item("c-1", "h-1", "reservation", "r-1", "accepted", AT, "sofa", "chat", null);
    List<String> parts = FRAMES.teamFrameAroundSeq(new ServerFrame.Handoff("store:x", Long.MIN_VALUE, "c-1", accept.staffView(), item));
    JsonNode frame = JSON.readTree(parts.get(0) + 42 + parts.get(1));
    assertEquals(List.of("type", "team", "seq", "customerId", "change", "item"), names(frame));
    assertEquals(42, frame.path("seq").asLong());
    assertEquals("accepted", frame.path("item").path("status").asText());
    assertEquals(false, frame.path("change").has("customerPatch"), "staff read the staff patch only");
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    new JsonConfig().customize(m);
    return m;
  }
}
