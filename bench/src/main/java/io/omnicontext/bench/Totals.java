package io.omnicontext.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The screens' tallies added up; `minus` gives what one step of a stepped scenario added. */
record Totals(long screens, long connected, long subscribed, long refused /* subscribes refused, retried ones included */, long failed, long expected, long received, long lost,
              long duplicated, long outOfOrder, long serverCloses, long resumeSnapshots, Map<String, Long> problems) {

  static Totals of(List<Screen> screens) {
    long conn = 0, sub = 0, ref = 0, fail = 0, exp = 0, rec = 0, lost = 0, dup = 0, ooo = 0, closes = 0, snaps = 0;
    Map<String, Long> problems = new TreeMap<>();
    for (Screen s : screens) {
      Screen.Tally t = s.tally();
      if (t.connected()) conn++;
      if (t.subscribed()) sub++;
      ref += t.refusals();
      if (t.failed()) fail++;
      exp += t.expected(); rec += t.received(); lost += t.lost(); dup += t.duplicated(); ooo += t.outOfOrder();
      closes += t.serverCloses(); snaps += t.resumeSnapshots();
      if (t.problem() != null) problems.merge(t.problem().replaceAll("\\d{5,}", "N"), 1L, Long::sum);
    }
    return new Totals(screens.size(), conn, sub, ref, fail, exp, rec, lost, dup, ooo, closes, snaps, problems);
  }

  static final Totals NONE = new Totals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

  Totals minus(Totals before) {
    return new Totals(screens, connected, subscribed, refused - before.refused, failed, expected - before.expected, received - before.received,
        Math.max(0, lost - before.lost), duplicated - before.duplicated, outOfOrder - before.outOfOrder,
        serverCloses - before.serverCloses, resumeSnapshots - before.resumeSnapshots, problems);
  }

  boolean clean() { return refused == 0 && failed == 0 && lost == 0 && duplicated == 0 && outOfOrder == 0; }

  /** The screens' problems as one note line, most frequent first, at most five kinds. */
  String problemsLine() {
    StringBuilder sb = new StringBuilder();
    problems.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(5)
        .forEach(e -> sb.append(sb.length() == 0 ? "" : "; ").append(e.getValue()).append(" × ").append(e.getKey()));
    return sb.toString();
  }
}
