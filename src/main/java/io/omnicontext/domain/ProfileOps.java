package io.omnicontext.domain;

import io.omnicontext.domain.Items.Identity;
import io.omnicontext.domain.Items.Interaction;
import io.omnicontext.domain.Items.Note;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** Ops on who the customer is and what they said: profile, identities, preferences, notes, interactions. */
public final class ProfileOps {
  static final Set<String> IDENTITY_TYPES = Set.of("email", "phone", "loyalty", "device");
  static final Set<String> VISIBILITIES = Set.of("internal", "customer");

  private ProfileOps() {}

  /** Identities are stored and resolved in one spelling: emails in lower case, other types as given. */
  public static String normalized(String type, String value) {
    return "email".equals(type) ? value.toLowerCase(java.util.Locale.ROOT) : value;
  }

  public record ProfileSet(Map<String, Object> fields) implements Op {
    static ProfileSet read(Fields f) { return new ProfileSet(f.object("fields")); }
    public String name() { return "profile.set"; }
    public Map<String, Object> data() { return Op.data("fields", fields); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) { c.profile().putAll(fields); }
  }

  /** merge: when the identity belongs to another customer, merge that customer into this one first. */
  public record IdentityLink(String type, String value, boolean merge) implements Op {
    static IdentityLink read(Fields f) {
      String type = f.oneOf("type", IDENTITY_TYPES);
      String value = f.text("value", 256);
      if (type.equals("email") && !value.contains("@")) throw Refusal.invalid("value must be an email address");
      return new IdentityLink(type, normalized(type, value), f.flag("merge"));
    }
    public String name() { return "identity.link"; }
    public Map<String, Object> data() { return Op.data("type", type, "value", value, "merge", merge ? Boolean.TRUE : null); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      boolean linked = c.identities().stream().anyMatch(i -> i.type().equals(type) && i.value().equals(value));
      if (!linked) c.identities().add(new Identity(type, value, at));
    }
  }

  public record PreferenceSet(String key, Object value) implements Op {
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    static PreferenceSet read(Fields f) {
      String key = f.text("key", Fields.SHORT);
      if (!KEY.matcher(key).matches()) throw Refusal.invalid("key must be a dotted name such as consent.marketing");
      return new PreferenceSet(key, f.scalar("value"));
    }
    public String name() { return "preference.set"; }
    public Map<String, Object> data() {
      var d = Op.data("key", key);
      d.put("value", value);
      return d;
    }
    public void applyTo(CustomerContext c, Actor actor, Instant at) { c.preferences().put(key, value); }
  }

  /** Notes are told apart by id within their visibility (see {@link NoteAdd#applyTo}). */
  static boolean sameNote(Note n, String noteId, String visibility) { return n.noteId().equals(noteId) && n.visibility().equals(visibility); }

  public record NoteAdd(String noteId, String text, String visibility) implements Op {
    static NoteAdd read(Fields f) {
      return new NoteAdd(f.id("noteId"), f.text("text", Fields.TEXT), f.oneOf("visibility", VISIBILITIES));
    }
    public String name() { return "note.add"; }
    public Map<String, Object> data() { return Op.data("noteId", noteId, "text", text, "visibility", visibility); }
    public boolean internal() { return "internal".equals(visibility); }
    /**
     * A note's id is unique among the notes of its visibility: a customer's note never meets the id of an internal
     * note, so the answer cannot tell a customer that one exists.
     */
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      if (c.notes().stream().anyMatch(n -> sameNote(n, noteId, visibility))) throw Refusal.invalid("note " + noteId + " already exists");
      c.notes().add(new Note(noteId, text, visibility, at));
    }
  }

  public record InteractionRecord(String interactionId, String channel, String kind, String summary) implements Op {
    static InteractionRecord read(Fields f) {
      return new InteractionRecord(f.id("interactionId"), f.channel("channel"), f.text("kind", Fields.SHORT),
          f.optText("summary", 1000));
    }
    public String name() { return "interaction.record"; }
    public Map<String, Object> data() {
      return Op.data("interactionId", interactionId, "channel", channel, "kind", kind, "summary", summary);
    }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      c.interactions().add(0, new Interaction(interactionId, channel, kind, summary, at));
      while (c.interactions().size() > CustomerContext.INTERACTIONS_KEPT) c.interactions().remove(c.interactions().size() - 1);
    }
  }
}
