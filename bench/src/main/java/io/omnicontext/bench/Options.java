package io.omnicontext.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `--key value` options. Every value read is remembered, so the report lists the exact parameters of the run. */
final class Options {
  private final Map<String, String> given = new LinkedHashMap<>();
  private final Map<String, Object> used = new LinkedHashMap<>();

  Options(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --key value, got " + args[i]);
      if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
      given.put(args[i].substring(2), args[++i]);
    }
  }

  String string(String key, String fallback) {
    String v = given.getOrDefault(key, fallback);
    used.put(key, v);
    return v;
  }

  /** A value kept out of the report's parameters (it is not one: a PID, a path). */
  String quiet(String key, String fallback) { return given.getOrDefault(key, fallback); }

  int integer(String key, int fallback) {
    int v = Integer.parseInt(given.getOrDefault(key, Integer.toString(fallback)).replace("_", "").replace(",", ""));
    used.put(key, v);
    return v;
  }

  double decimal(String key, double fallback) {
    double v = Double.parseDouble(given.getOrDefault(key, Double.toString(fallback)));
    used.put(key, v);
    return v;
  }

  /** A comma-separated list of whole numbers, e.g. --rates 500,1000,2000. */
  List<Integer> integers(String key, String fallback) {
    List<Integer> out = new ArrayList<>();
    for (String s : string(key, fallback).split(",")) if (!s.isBlank()) out.add(Integer.parseInt(s.trim().replace("_", "")));
    used.put(key, out);
    return out;
  }

  List<String> strings(String key, String fallback) {
    List<String> out = new ArrayList<>(Arrays.asList(quiet(key, fallback).split(",")));
    out.removeIf(String::isBlank);
    return out;
  }

  /** Options given that no scenario read: a typo must not silently run the defaults. */
  List<String> unread(List<String> alsoKnown) {
    List<String> out = new ArrayList<>();
    for (String k : given.keySet()) if (!used.containsKey(k) && !alsoKnown.contains(k)) out.add(k);
    return out;
  }

  Map<String, Object> used() { return used; }
}
