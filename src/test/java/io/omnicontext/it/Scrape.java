package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A counter of a live node's /q/metrics (Prometheus text), read before and after the event that should move it:
 * the live check that a series does not only exist but counts.
 */
final class Scrape {
  private Scrape() {}

  /**
   * The sum of the samples of {@code series} (for example {@code omnicontext_rate_limited_total}) whose labels
   * contain {@code label} (for example {@code scope="rest_writes"}; empty: every sample).
   */
  static double value(Nodes.Node node, String series, String label) {
    Http.Answer a = Http.get(node.base().resolve("/q/metrics"));
    assertEquals(200, a.status(), "/q/metrics on " + node.name());
    double sum = 0;
    for (String line : a.body().split("\n")) {
      if (line.startsWith("#") || !line.startsWith(series)) continue;
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, space);
      boolean sameSeries = name.equals(series) || name.startsWith(series + "{");
      if (sameSeries && name.contains(label)) sum += Double.parseDouble(line.substring(space + 1));
    }
    return sum;
  }
}
