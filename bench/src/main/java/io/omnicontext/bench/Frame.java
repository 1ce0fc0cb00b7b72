package io.omnicontext.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** The top-level fields the checks need from a server frame or a POST answer; nested values are skipped unread. */
final class Frame {
  private static final JsonFactory JSON = new JsonFactory();

  String type;
  String id;
  String customerId;
  String code;
  String message;
  long version = -1;
  int changes = -1;    // size of "changes" in a POST answer

  static Frame parse(String text) { return parse(text, false); }

  /**
   * With `early`, reading stops as soon as a change frame's type and version are known (the server writes them
   * first): at 100,000 frames/s the generator must not spend its CPU on patches it does not check.
   */
  static Frame parse(String text, boolean early) {
    Frame f = new Frame();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "type": f.type = p.getValueAsString(); break;
          case "id": f.id = p.getValueAsString(); break;
          case "customerId": f.customerId = p.getValueAsString(); break;
          case "code": f.code = p.getValueAsString(); break;
          case "message": f.message = p.getValueAsString(); break;
          case "version": f.version = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1; break;
          case "changes":
            if (t == JsonToken.START_ARRAY) {
              int n = 0;
              while (p.nextToken() != JsonToken.END_ARRAY) { n++; p.skipChildren(); }
              f.changes = n;
            } else p.skipChildren();
            break;
          default: p.skipChildren();
        }
        if (early && f.version >= 0 && (f.type == null ? f.customerId != null : "change".equals(f.type))) break;
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable JSON: " + e.getMessage(), e);
    }
    return f;
  }
}
