package io.omnicontext.domain;

import java.util.List;
import java.util.Map;

/**
 * What the journal's text columns (PostgreSQL, UTF-8) can hold: no U+0000 and no lone surrogate. A
 * value outside it is refused at the edge; committed, it would be live in Redis and never journaled.
 */
public final class StoredText {
  private StoredText() {}

  public static boolean storable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) return false;
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) return false;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** The length of s in UTF-8, without encoding it (a lone surrogate counts as the '?' it would become). */
  public static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) n += 1;
      else n += 3;
    }
    return n;
  }

  /** Whether every member name and string in a parsed JSON value is storable. */
  static boolean allStorable(Object json) {
    if (json instanceof String s) return storable(s);
    if (json instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) if (!storable(String.valueOf(e.getKey())) || !allStorable(e.getValue())) return false;
    } else if (json instanceof List<?> l) {
      for (Object v : l) if (!allStorable(v)) return false;
    }
    return true;
  }

  /** The path of the first member name or string in a parsed JSON value that is not storable; null when all are. */
  static String firstUnstorable(Object json, String path) {
    if (json instanceof String s) return storable(s) ? null : path;
    if (json instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String name = String.valueOf(e.getKey());
        if (!storable(name)) return path + " (a member name)";
        String found = firstUnstorable(e.getValue(), path + "." + name);
        if (found != null) return found;
      }
    } else if (json instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        String found = firstUnstorable(l.get(i), path + "[" + i + "]");
        if (found != null) return found;
      }
    }
    return null;
  }

  /** The length (in chars) of the longest string in a parsed JSON value, member names included. */
  static int longestString(Object json) {
    if (json instanceof String s) return s.length();
    int longest = 0;
    if (json instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) longest = Math.max(longest, Math.max(String.valueOf(e.getKey()).length(), longestString(e.getValue())));
    } else if (json instanceof List<?> l) {
      for (Object v : l) longest = Math.max(longest, longestString(v));
    }
    return longest;
  }

  /** How deeply a parsed JSON value nests: 0 for a scalar, 1 for an object or array of scalars. */
  static int depth(Object json) {
    int deepest = 0;
    if (json instanceof Map<?, ?> m) for (Object v : m.values()) deepest = Math.max(deepest, depth(v));
    else if (json instanceof List<?> l) for (Object v : l) deepest = Math.max(deepest, depth(v));
    else return 0;
    return deepest + 1;
  }
}
