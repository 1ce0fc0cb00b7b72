package io.omnicontext.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads one op's fields from its JSON object, refusing each bad field by name (validation_failed). */
final class Fields {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+-]{1,128}");
  static final int SHORT = 128;
  static final int TEXT = 4000;

  private final Map<String, Object> raw;
  private final String where;
  private final Limits limits;
  private final Instant now;

  /** Fields of a journaled op, replayed as it was committed: nothing is bounded. */
  Fields(Map<String, Object> raw, String where) { this(raw, where, Limits.NONE, null); }

  /** Fields of a request's op: times within the limits' window around now (null: no window), objects within their depth. */
  Fields(Map<String, Object> raw, String where, Limits limits, Instant now) {
    this.raw = raw;
    this.where = where;
    this.limits = limits;
    this.now = now;
  }

  private Refusal bad(String name, String why) { return Refusal.invalid(where + "." + name + " " + why); }

  boolean has(String name) { return raw.get(name) != null; }

  String id(String name) {
    String s = text(name, SHORT);
    if (!ID.matcher(s).matches()) throw bad(name, "must match " + ID.pattern());
    return s;
  }

  String text(String name, int max) {
    Object v = raw.get(name);
    if (v == null) throw bad(name, "is required");
    if (!(v instanceof String s)) throw bad(name, "must be a string");
    if (s.isBlank()) throw bad(name, "must not be blank");
    if (s.length() > max) throw bad(name, "must be at most " + max + " characters");
    return s;
  }

  String optText(String name, int max) { return has(name) ? text(name, max) : null; }

  String oneOf(String name, Set<String> allowed) {
    String s = text(name, SHORT);
    if (!allowed.contains(s)) throw bad(name, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
    return s;
  }

  String channel(String name) {
    String s = text(name, SHORT);
    if (!Channels.isChannel(s)) throw bad(name, "must be one of " + String.join(", ", Channels.ALL));
    return s;
  }

  String optChannel(String name) { return has(name) ? channel(name) : null; }

  List<String> optChannels(String name) {
    Object v = raw.get(name);
    if (v == null) return null;
    if (!(v instanceof List<?> list) || list.isEmpty()) throw bad(name, "must be a non-empty array of channels");
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s) || !Channels.isChannel(s)) throw bad(name, "must hold only " + String.join(", ", Channels.ALL));
      if (!out.contains(s)) out.add(s);
    }
    return List.copyOf(out);
  }

  Instant time(String name) {
    String s = text(name, 64);
    Instant t;
    try {
      t = OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw bad(name, "must be an RFC 3339 date-time such as 2026-11-23T10:00:00Z");
    }
    if (!limits.plausible(t, now)) {
      throw bad(name, "must lie within the years " + Limits.FIRST_YEAR + ".." + Limits.LAST_YEAR + " and within "
          + limits.yearsAround() + " years of now");
    }
    return t;
  }

  Instant optTime(String name) { return has(name) ? time(name) : null; }

  Number optNumber(String name) {
    Object v = raw.get(name);
    if (v == null) return null;
    if (!(v instanceof Number n)) throw bad(name, "must be a number");
    if (n.doubleValue() < 0 || Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) throw bad(name, "must be a number >= 0");
    return n;
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> object(String name) { return object(name, 200); }

  /** A JSON object of at most max members (journaled merges carry whole profiles, hence larger). */
  Map<String, Object> object(String name, int max) {
    Object v = raw.get(name);
    if (v == null) throw bad(name, "is required");
    if (!(v instanceof Map<?, ?> m)) throw bad(name, "must be an object");
    if (m.size() > max) throw bad(name, "must have at most " + max + " members");
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (StoredText.depth(e.getValue()) > limits.profileDepth()) throw bad(name, "must not nest deeper than " + limits.profileDepth() + " levels");
      if (Math.max(String.valueOf(e.getKey()).length(), StoredText.longestString(e.getValue())) > limits.profileText()) {
        throw bad(name, "must hold no string (value or member name) over " + limits.profileText() + " characters");
      }
    }
    return new LinkedHashMap<>((Map<String, Object>) m);
  }

  boolean flag(String name) {
    Object v = raw.get(name);
    if (v == null) return false;
    if (!(v instanceof Boolean b)) throw bad(name, "must be true or false");
    return b;
  }

  Map<String, Object> optObject(String name) { return has(name) ? object(name) : null; }

  Map<String, Object> anyObject(String name) { return has(name) ? object(name, Integer.MAX_VALUE) : new java.util.LinkedHashMap<>(); }

  /** A list of objects, each read by {@code item} (journaled items; absent = empty). */
  @SuppressWarnings("unchecked")
  <T> List<T> list(String name, java.util.function.Function<Fields, T> item) {
    Object v = raw.get(name);
    if (v == null) return List.of();
    if (!(v instanceof List<?> l)) throw bad(name, "must be an array");
    List<T> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof Map<?, ?> m)) throw bad(name + "[" + i + "]", "must be an object");
      out.add(item.apply(new Fields((Map<String, Object>) m, where + "." + name + "[" + i + "]", limits, now)));
    }
    return out;
  }

  /** A JSON scalar (string, number, boolean) or null: preference values are flat. */
  Object scalar(String name) {
    if (!raw.containsKey(name)) throw bad(name, "is required");
    Object v = raw.get(name);
    if (v instanceof Map || v instanceof List) throw bad(name, "must be a string, number, boolean or null");
    if (v instanceof String s && s.length() > TEXT) throw bad(name, "must be at most " + TEXT + " characters");
    return v;
  }
}
