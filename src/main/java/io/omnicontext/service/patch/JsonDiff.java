package io.omnicontext.service.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 6902 JSON Patch that turns one JSON tree into another: objects member by member, arrays by their
 * common head and tail with element-wise patches in between (and items put in front, as `interactions`
 * grows newest first, found as such), anything else replaced. Correct for any two trees; small for the
 * edits a context sees.
 */
public final class JsonDiff {
  /** How far ahead a run of items put in front of an array is looked for. */
  private static final int MAX_FRONT_INSERT = 16;

  private JsonDiff() {}

  public static List<Map<String, Object>> diff(JsonNode from, JsonNode to) {
    List<Map<String, Object>> ops = new ArrayList<>();
    diff("", from, to, ops);
    return ops;
  }

  /** Appends to {@code ops} what turns {@code from} into {@code to} at {@code path} (a JSON Pointer). */
  public static void diff(String path, JsonNode from, JsonNode to, List<Map<String, Object>> ops) {
    if (from.equals(to)) return;
    if (from.isObject() && to.isObject()) objects(path, from, to, ops);
    else if (from.isArray() && to.isArray()) arrays(path, from, to, ops);
    else ops.add(op("replace", path, to));
  }

  private static void objects(String path, JsonNode from, JsonNode to, List<Map<String, Object>> ops) {
    for (Iterator<String> names = from.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!to.has(name)) ops.add(op("remove", child(path, name), null));
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = to.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode before = from.get(f.getKey());
      if (before == null) ops.add(op("add", child(path, f.getKey()), f.getValue()));
      else diff(child(path, f.getKey()), before, f.getValue(), ops);
    }
  }

  private static void arrays(String path, JsonNode from, JsonNode to, List<Map<String, Object>> ops) {
    int n = from.size();
    int m = to.size();
    int head = 0;
    while (head < n && head < m && from.get(head).equals(to.get(head))) head++;
    int tail = 0;
    while (tail < n - head && tail < m - head && from.get(n - 1 - tail).equals(to.get(m - 1 - tail))) tail++;
    int fromMiddle = n - head - tail;
    int toMiddle = m - head - tail;
    int front = frontInsert(from, to, head, fromMiddle, toMiddle);
    if (front > 0) { // items put in front of the middle: add them, drop what fell off its end
      for (int i = 0; i < front; i++) ops.add(op("add", path + "/" + (head + i), to.get(head + i)));
      for (int i = 0; i < fromMiddle - (toMiddle - front); i++) ops.add(op("remove", path + "/" + (head + toMiddle), null));
      return;
    }
    int common = Math.min(fromMiddle, toMiddle);
    for (int i = 0; i < common; i++) diff(path + "/" + (head + i), from.get(head + i), to.get(head + i), ops);
    for (int i = common; i < fromMiddle; i++) ops.add(op("remove", path + "/" + (head + common), null));
    for (int i = common; i < toMiddle; i++) ops.add(op("add", path + "/" + (head + i), to.get(head + i)));
  }

  /**
   * k > 0 when the target's middle is k new items followed by the start of the source's middle (the rest
   * of the source's middle having fallen off the end); 0 otherwise.
   */
  private static int frontInsert(JsonNode from, JsonNode to, int head, int fromMiddle, int toMiddle) {
    for (int k = 1; k <= Math.min(MAX_FRONT_INSERT, toMiddle); k++) {
      int rest = toMiddle - k;
      if (rest > fromMiddle) continue;
      boolean match = true;
      for (int i = 0; i < rest && match; i++) match = to.get(head + k + i).equals(from.get(head + i));
      if (match) return k;
    }
    return 0;
  }

  static String child(String path, String name) {
    return path + "/" + name.replace("~", "~0").replace("/", "~1");
  }

  static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> o = new LinkedHashMap<>(4);
    o.put("op", op);
    o.put("path", path);
    if (!"remove".equals(op)) o.put("value", value);
    return o;
  }
}
