package io.omnicontext.service.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JsonDiffTests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  @Test
  void equal_trees_give_an_empty_patch() throws Exception {
    JsonNode a = JSON.readTree("{\"a\":[1,{\"b\":2}],\"c\":null}");
    assertEquals(List.of(), JsonDiff.diff(a, a.deepCopy()));
  }

  @Test
  void members_are_added_removed_and_replaced_where_they_changed() throws Exception {
    JsonNode a = JSON.readTree("{\"keep\":1,\"gone\":2,\"nested\":{\"x\":1,\"y\":2}}");
    JsonNode b = JSON.readTree("{\"keep\":1,\"new\":3,\"nested\":{\"x\":1,\"y\":5}}");
    List<Map<String, Object>> patch = JsonDiff.diff(a, b);
    assertEquals(List.of("remove /gone", "add /new", "replace /nested/y"), patch.stream().map(o -> o.get("op") + " " + o.get("path")).toList());
    assertEquals(b, PatchApply.apply(JSON, a, patch));
  }

  @Test
  void keys_with_slash_and_tilde_are_escaped_as_json_pointers() throws Exception {
    JsonNode a = JSON.readTree("{}");
    JsonNode b = JSON.readTree("{\"a/b~c\":1}");
    List<Map<String, Object>> patch = JsonDiff.diff(a, b);
    assertEquals("/a~1b~0c", patch.get(0).get("path"));
    assertEquals(b, PatchApply.apply(JSON, a, patch));
  }

  @Test
  void an_item_put_in_front_of_a_capped_list_is_one_add_and_one_remove() throws Exception {
    JsonNode a = JSON.readTree("[1,2,3,4,5]");
    JsonNode b = JSON.readTree("[0,1,2,3,4]");
    List<Map<String, Object>> patch = JsonDiff.diff(a, b);
    assertEquals(List.of("add /0", "remove /5"), patch.stream().map(o -> o.get("op") + " " + o.get("path")).toList());
    assertEquals(b, PatchApply.apply(JSON, a, patch));
  }

  @Test
  void an_item_appended_to_a_list_is_one_add() throws Exception {
    JsonNode a = JSON.readTree("[{\"n\":1}]");
    JsonNode b = JSON.readTree("[{\"n\":1},{\"n\":2}]");
    assertEquals(List.of("add /1"), JsonDiff.diff(a, b).stream().map(o -> o.get("op") + " " + o.get("path")).toList());
  }

  @Test
  void applying_the_diff_of_any_two_random_trees_gives_the_second() {
    Random random = new Random(42);
    for (int i = 0; i < 2000; i++) {
      JsonNode a = randomTree(random, 3);
      JsonNode b = random.nextBoolean() ? mutate(random, a.deepCopy()) : randomTree(random, 3);
      List<Map<String, Object>> patch = JsonDiff.diff(a, b);
      assertEquals(b, PatchApply.apply(JSON, a, patch), "diff of " + a + " -> " + b + ": " + patch);
      if (a.equals(b)) assertTrue(patch.isEmpty());
    }
  }

  private static JsonNode randomTree(Random r, int depth) {
    int kind = depth == 0 ? r.nextInt(3) : r.nextInt(5);
    return switch (kind) {
      case 0 -> F.numberNode(r.nextInt(4));
      case 1 -> F.textNode("s" + r.nextInt(3));
      case 2 -> r.nextBoolean() ? F.nullNode() : F.booleanNode(r.nextBoolean());
      case 3 -> {
        ArrayNode a = F.arrayNode();
        for (int i = r.nextInt(6); i > 0; i--) a.add(randomTree(r, depth - 1));
        yield a;
      }
      default -> {
        ObjectNode o = F.objectNode();
        for (int i = r.nextInt(5); i > 0; i--) o.set("k" + r.nextInt(6), randomTree(r, depth - 1));
        yield o;
      }
    };
  }

  /** A near copy: one member or element changed, added or dropped somewhere, as commits do. */
  private static JsonNode mutate(Random r, JsonNode n) {
    if (n instanceof ArrayNode a) {
      switch (r.nextInt(4)) {
        case 0 -> a.insert(0, randomTree(r, 1));
        case 1 -> { if (!a.isEmpty()) a.remove(a.size() - 1); }
        case 2 -> a.add(randomTree(r, 1));
        default -> { if (!a.isEmpty()) { int i = r.nextInt(a.size()); a.set(i, mutate(r, a.get(i))); } }
      }
      return a;
    }
    if (n instanceof ObjectNode o) {
      if (o.isEmpty() || r.nextBoolean()) o.set("k" + r.nextInt(6), randomTree(r, 1));
      else {
        String k = o.fieldNames().next();
        o.set(k, mutate(r, o.get(k)));
      }
      return o;
    }
    return randomTree(r, 1);
  }
}
