package io.omnicontext.wire;

import io.omnicontext.config.JsonCodec;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.Redaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The JSON of pushed frames ({@link ServerFrame}). A change is encoded at most once per audience, whatever the number of sessions. */
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

    /** When the change was committed (the server's clock): where push latency is measured from. */
    public java.time.Instant committedAt() { return change.at(); }

    public synchronized String frame(Audience audience) {
      return encoded.computeIfAbsent(audience, a -> write(new ServerFrame.ChangeFrame(changeBody(change, a))));
    }
  }

  public Delivery delivery(Change change) { return new Delivery(change); }

  public List<Delivery> deliveries(List<Change> changes) { return changes.stream().map(Delivery::new).toList(); }

  /**
   * The change as the audience may see it: the change itself, or {customerId, version, op: "redacted"};
   * either way with the audience's live-document patch as `patch` (absent only on changes journaled before
   * patches existed).
   */
  public ServerFrame.ChangeBody changeBody(Change change, Audience audience) {
    List<Map<String, Object>> patch = audience == Audience.STAFF ? change.patch() : change.customerPatch();
    return Redaction.change(change, audience)
        .map(c -> ServerFrame.ChangeBody.of(c, patch))
        .orElseGet(() -> ServerFrame.ChangeBody.redacted(change.customerId(), change.version(), patch));
  }

  /**
   * A team frame with its seq left to the commit script (which numbers it atomically): the encoded frame
   * split around the seq, head and tail.
   */
  public List<String> teamFrameAroundSeq(ServerFrame.Handoff withPlaceholderSeq) {
    String encoded = write(withPlaceholderSeq);
    String marker = "\"seq\":" + withPlaceholderSeq.seq();
    int at = encoded.indexOf(marker);
    return List.of(encoded.substring(0, at + 6), encoded.substring(at + marker.length()));
  }

  public String write(ServerFrame frame) { return json.write(frame); }

  public String write(Object o) { return json.write(o); }

  public <T> T read(String s, Class<T> type) { return json.read(s, type); }
}
