package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import io.omnicontext.wire.ServerFrame;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Runs after every IT (its own failsafe execution, pom.xml `frames-check`): every frame any IT's WebSocket client
 * received during this build (target/frames-received.jsonl, {@link ReceivedFrames}) is a server message of the
 * AsyncAPI document and fits its payload schema, nested members included; and every frame record the server can
 * send ({@link ServerFrame}'s permitted records) is described. Guards: a frame type or member that only another
 * IT's flow makes (team snapshots, other error codes, cluster runs) or a new record went unchecked.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FramesCheck {
  @AfterAll
  static void consume() throws Exception {
    Files.deleteIfExists(ReceivedFrames.FILE); // the next build records afresh
  }

  @Test
  void every_frame_the_suite_received_is_described_by_the_asyncapi_document() throws Exception {
    AsyncApi doc = AsyncApi.fromSource();
    List<JsonNode> frames = ReceivedFrames.read();
    TreeMap<String, Integer> byType = new TreeMap<>();
    Set<String> wrong = new LinkedHashSet<>();
    for (JsonNode frame : frames) {
      byType.merge(frame.path("type").asText(), 1, Integer::sum);
      wrong.addAll(doc.serverFrameProblems(frame));
    }
    System.out.println("FramesCheck: " + frames.size() + " frames received by the ITs, by type " + byType);
    assertEquals(List.of(), new ArrayList<>(wrong).subList(0, Math.min(wrong.size(), 20)), wrong.size() + " problems (the first 20)");
  }

  @Test
  void the_check_itself_flags_an_unknown_type_an_undocumented_member_and_a_wrong_nested_value() throws Exception {
    AsyncApi doc = AsyncApi.fromSource();
    JsonNode good = Client.JSON.readTree("{\"type\":\"pong\",\"id\":\"r1\"}");
    assertEquals(List.of(), doc.serverFrameProblems(good));
    assertEquals(1, doc.serverFrameProblems(Client.JSON.readTree("{\"type\":\"no-such\"}")).size());
    assertEquals(1, doc.serverFrameProblems(Client.JSON.readTree("{\"type\":\"pong\",\"id\":\"r1\",\"extra\":1}")).size());
    JsonNode badPatch = Client.JSON.readTree("{\"type\":\"change\",\"customerId\":\"c\",\"version\":1,\"op\":\"x\",\"patch\":[{\"op\":\"jump\",\"path\":\"/a\"}]}");
    assertEquals(1, doc.serverFrameProblems(badPatch).size(), "a nested enum is checked: " + doc.serverFrameProblems(badPatch));
  }

  @Test
  void every_frame_record_the_server_can_send_is_a_message_of_the_asyncapi_document() throws Exception {
    Set<String> described = AsyncApi.fromSource().messages("send").keySet();
    Set<String> records = new TreeSet<>();
    for (Class<?> c : ServerFrame.class.getPermittedSubclasses()) {
      JsonTypeName name = c.getAnnotation(JsonTypeName.class);
      assertTrue(name != null, c.getSimpleName() + " has no @JsonTypeName: its frame type is not fixed");
      records.add(name.value());
    }
    assertTrue(described.containsAll(records), "frame records " + records + " are all described; the document has " + described);
  }
}
