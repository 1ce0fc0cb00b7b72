package io.omnicontext.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The AsyncAPI document of /v1/stream (src/main/resources/META-INF/resources/asyncapi.yaml, served at /asyncapi.yaml)
 * and a frame's check against it: its type is a server message, and the frame fits that message's payload schema,
 * with no member the schema does not list. Nested values are checked for the schema keywords the document uses
 * (type, const, enum, oneOf, required, properties, items, minimum, pattern, min/maxLength, $ref).
 */
final class AsyncApi {
  static final Path SOURCE = Path.of("src", "main", "resources", "META-INF", "resources", "asyncapi.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final JsonNode doc;

  AsyncApi(JsonNode doc) { this.doc = doc; }

  static AsyncApi fromSource() throws IOException { return new AsyncApi(YAML.readTree(SOURCE.toFile())); }

  static AsyncApi parse(String yaml) throws IOException { return new AsyncApi(YAML.readTree(yaml)); }

  /** The payload schemas of an action's messages ("send": server frames, "receive": client frames), by frame type. */
  Map<String, JsonNode> messages(String action) {
    Map<String, JsonNode> out = new HashMap<>();
    doc.path("operations").forEach(op -> {
      if (!action.equals(op.path("action").asText())) return;
      for (JsonNode ref : op.path("messages")) {
        JsonNode payload = deref(deref(ref).path("payload"));
        out.put(payload.path("properties").path("type").path("const").asText(), payload);
      }
    });
    return out;
  }

  /** What is wrong with a frame the server sent (empty: it is described). */
  List<String> serverFrameProblems(JsonNode frame) {
    List<String> wrong = new ArrayList<>();
    String type = frame.path("type").asText();
    JsonNode payload = messages("send").get(type);
    if (payload == null) {
      wrong.add("type " + type + " is not a server message of the document: " + frame);
      return wrong;
    }
    frame.fieldNames().forEachRemaining(member -> {
      if (!payload.path("properties").has(member)) wrong.add(type + " carries undocumented " + member + ": " + frame);
    });
    check(payload, frame, type, wrong);
    return wrong;
  }

  private JsonNode deref(JsonNode node) {
    while (node.has("$ref")) {
      JsonNode at = doc;
      for (String part : node.path("$ref").asText().substring(2).split("/")) at = at.path(part);
      node = at;
    }
    return node;
  }

  private void check(JsonNode schema, JsonNode value, String at, List<String> wrong) {
    schema = deref(schema);
    if (schema.has("oneOf")) {
      int fits = 0;
      for (JsonNode option : schema.path("oneOf")) {
        List<String> w = new ArrayList<>();
        check(option, value, at, w);
        if (w.isEmpty()) fits++;
      }
      if (fits != 1) wrong.add(at + " fits " + fits + " of the oneOf options: " + value);
      return;
    }
    if (schema.has("const") && !schema.path("const").asText().equals(value.asText())) wrong.add(at + " is not " + schema.path("const") + ": " + value);
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode e : schema.path("enum")) listed |= e.asText().equals(value.asText()) && value.isValueNode();
      if (!listed) wrong.add(at + " is not one of " + schema.path("enum") + ": " + value);
    }
    if (schema.has("type") && !typed(schema.path("type"), value)) {
      wrong.add(at + " is not of type " + schema.path("type") + ": " + value);
      return;
    }
    if (value.isObject()) {
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) wrong.add(at + " lacks required " + required.asText() + ": " + value);
      }
      schema.path("properties").fields().forEachRemaining(p -> {
        if (value.has(p.getKey())) check(p.getValue(), value.get(p.getKey()), at + "." + p.getKey(), wrong);
      });
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) check(schema.path("items"), value.get(i), at + "[" + i + "]", wrong);
    }
    if (value.isNumber() && schema.has("minimum") && value.asDouble() < schema.path("minimum").asDouble()) wrong.add(at + " is below the minimum: " + value);
    if (value.isTextual()) {
      String s = value.asText();
      if (schema.has("pattern") && !Pattern.compile(schema.path("pattern").asText()).matcher(s).find()) wrong.add(at + " does not match " + schema.path("pattern") + ": " + value);
      if (schema.has("minLength") && s.length() < schema.path("minLength").asInt()) wrong.add(at + " is too short: " + value);
      if (schema.has("maxLength") && s.length() > schema.path("maxLength").asInt()) wrong.add(at + " is too long: " + value);
    }
  }

  private static boolean typed(JsonNode type, JsonNode value) {
    if (type.isArray()) {
      for (JsonNode t : type) if (typed(t, value)) return true;
      return false;
    }
    return switch (type.asText()) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      case "null" -> value.isNull();
      default -> true;
    };
  }
}
