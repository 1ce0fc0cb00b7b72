package io.omnicontext.service.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** RFC 6902 apply for add, remove and replace (what {@link JsonDiff} emits), written apart from it to check it. */
final class PatchApply {
  private PatchApply() {}

  static JsonNode apply(ObjectMapper json, JsonNode doc, List<Map<String, Object>> patch) {
    JsonNode root = doc.deepCopy();
    for (Map<String, Object> op : patch) {
      String path = (String) op.get("path");
      JsonNode value = json.valueToTree(op.get("value"));
      if (path.isEmpty()) {
        root = value;
        continue;
      }
      int cut = path.lastIndexOf('/');
      JsonNode parent = root.at(path.substring(0, cut));
      String last = path.substring(cut + 1).replace("~1", "/").replace("~0", "~");
      switch ((String) op.get("op")) {
        case "add" -> {
          if (parent instanceof ArrayNode a) {
            if (last.equals("-")) a.add(value); else a.insert(Integer.parseInt(last), value);
          } else ((ObjectNode) parent).set(last, value);
        }
        case "remove" -> {
          if (parent instanceof ArrayNode a) a.remove(Integer.parseInt(last));
          else if (((ObjectNode) parent).remove(last) == null) throw new IllegalStateException("remove of a missing " + path);
        }
        case "replace" -> {
          if (parent instanceof ArrayNode a) a.set(Integer.parseInt(last), value);
          else {
            if (!parent.has(last)) throw new IllegalStateException("replace of a missing " + path);
            ((ObjectNode) parent).set(last, value);
          }
        }
        default -> throw new IllegalStateException("unexpected op " + op);
      }
    }
    return root;
  }
}
