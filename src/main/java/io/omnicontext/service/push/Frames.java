package io.omnicontext.service.push;

import io.omnicontext.config.JsonCodec;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.Redaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of pushed frames. A change is encoded at most once per audience, whatever the number of sessions. */
@ApplicationScoped
public class Frames {
  private final JsonCodec json;

  public Frames(JsonCodec json) { this.json = json; }

  /** A committed change and its frames, encoded on first use per audience. */
  public final class Delivery {
    private final Change change;
    private final Map<Audience, String> encoded = new EnumMap<>(Audience.class);

    Delivery(Change change) { this.change = change; }

    public long version() { return change.version(); }

    public synchronized String frame(Audience audience) {
      return encoded.computeIfAbsent(audience, a -> write(changeFrame(change, a)));
    }
  }

  public Delivery delivery(Change change) { return new Delivery(change); }

  public java.util.List<Delivery> deliveries(java.util.List<Change> changes) { return changes.stream().map(Delivery::new).toList(); }

  /** {"type":"change", ...change} as the audience may see it, or the redacted placeholder. */
  public Map<String, Object> changeFrame(Change change, Audience audience) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "change");
    frame.putAll(changeBody(change, audience));
    return frame;
  }

  /**
   * The change as the audience may see it: the change itself, or {customerId, version, op: "redacted"};
   * either way with the audience's live-document patch as `patch` (absent only on changes journaled before
   * patches existed).
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> changeBody(Change change, Audience audience) {
    List<Map<String, Object>> patch = audience == Audience.STAFF ? change.patch() : change.customerPatch();
    Map<String, Object> body = Redaction.change(change, audience)
        .map(c -> (Map<String, Object>) json.mapper().convertValue(c.withPatches(null, null), Map.class))
        .orElseGet(() -> {
          Map<String, Object> placeholder = new LinkedHashMap<>();
          placeholder.put("customerId", change.customerId());
          placeholder.put("version", change.version());
          placeholder.put("op", "redacted");
          return placeholder;
        });
    if (patch != null) body.put("patch", patch);
    return body;
  }

  public String write(Object o) { return json.write(o); }

  public <T> T read(String s, Class<T> type) { return json.read(s, type); }
}
