package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.omnicontext.domain.OpParser;
import io.omnicontext.ops.LiveMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard and the live node agree: every series the dashboard draws exists on /q/metrics. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MetricsIT {
  private static final Path DASHBOARD = Path.of("k8s", "grafana", "omnicontext-dashboard.json");
  private static final Path ALERTS = Path.of("k8s", "overlays", "prod", "prometheusrule.yaml");
  /** Series names in PromQL: the dashboard's own and the JVM's it may use. */
  private static final Pattern SERIES = Pattern.compile("\\b((?:omnicontext|jvm|process)_[a-zA-Z0-9_]+)\\b");
  /** The live path's series (LiveMetrics) as Prometheus names them, and the two JVM series the dashboard may add. */
  private static final Set<String> ALLOWED = Set.of("omnicontext_connections", "omnicontext_subscriptions",
      "omnicontext_changes_committed_total", "omnicontext_push_latency_seconds_bucket", "omnicontext_push_latency_seconds_count",
      "omnicontext_push_latency_seconds_sum", "omnicontext_frames_sent_total", "omnicontext_frames_dropped_total",
      "omnicontext_slow_consumers_closed_total", "omnicontext_feed_reconnects_total", "omnicontext_gap_fills_total",
      "omnicontext_journal_lag", "omnicontext_journal_relay_errors_total", "omnicontext_store_errors_total",
      "omnicontext_rate_limited_total", "jvm_memory_used_bytes", "process_cpu_usage");

  /** One sample line of the Prometheus text format: its name and its label text. */
  private record Sample(String name, String labels) {}

  private static List<Sample> scrape() {
    Http.Answer a = Http.get(Nodes.one().base().resolve("/q/metrics"));
    assertEquals(200, a.status());
    List<Sample> out = new ArrayList<>();
    for (String line : a.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int brace = line.indexOf('{'), space = line.indexOf(' ');
      int end = brace >= 0 && brace < space ? brace : space;
      out.add(new Sample(line.substring(0, end), brace >= 0 && brace < space ? line.substring(brace, line.indexOf('}') + 1) : ""));
    }
    return out;
  }

  private static Set<String> dashboardSeries() throws Exception {
    JsonNode dashboard = Client.JSON.readTree(Files.readString(DASHBOARD));
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        Matcher m = SERIES.matcher(target.path("expr").asText());
        while (m.find()) names.add(m.group(1));
      }
    }
    return names;
  }

  private static Set<String> alertSeries() throws Exception {
    JsonNode rule = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(ALERTS));
    Set<String> names = new TreeSet<>();
    for (JsonNode group : rule.path("spec").path("groups")) {
      for (JsonNode r : group.path("rules")) {
        Matcher m = SERIES.matcher(r.path("expr").asText());
        while (m.find()) names.add(m.group(1));
      }
    }
    return names;
  }

  private static Set<String> missingOnTheNode(Set<String> named) {
    Set<String> scraped = new TreeSet<>();
    scrape().forEach(s -> scraped.add(s.name()));
    Set<String> missing = new TreeSet<>(named);
    missing.removeAll(scraped);
    return missing;
  }

  private static String tag(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT); }

  @Test
  void every_series_the_dashboard_names_exists_on_a_live_node() throws Exception {
    Set<String> named = dashboardSeries();
    assertTrue(named.size() >= 15, "the dashboard draws the live path: " + named);
    Set<String> unknown = new TreeSet<>(named);
    unknown.removeAll(ALLOWED);
    assertEquals(Set.of(), unknown, "the dashboard uses only the live path's series and two JVM ones");
    assertEquals(Set.of(), missingOnTheNode(named), "series the dashboard draws but the node does not export");
  }

  @Test
  void every_series_the_prod_alerts_name_exists_on_a_live_node() throws Exception {
    Set<String> named = alertSeries();
    assertTrue(named.size() >= 6, "the alerts watch the live path: " + named);
    assertTrue(ALLOWED.containsAll(named), "alerts use only the live path's series: " + named);
    assertEquals(Set.of(), missingOnTheNode(named), "series the alerts name but the node does not export");
  }

  @Test
  void every_live_series_is_there_with_each_known_tag_value_from_start_up() {
    List<Sample> samples = scrape();
    List<String> expected = new ArrayList<>();
    for (LiveMetrics.Transport t : LiveMetrics.Transport.values()) {
      expected.add("omnicontext_connections kind=\"" + tag(t) + "\"");
      expected.add("omnicontext_frames_sent_total transport=\"" + tag(t) + "\"");
    }
    for (LiveMetrics.SubscriptionKind k : LiveMetrics.SubscriptionKind.values()) expected.add("omnicontext_subscriptions kind=\"" + tag(k) + "\"");
    for (String op : OpParser.names()) expected.add("omnicontext_changes_committed_total op=\"" + op + "\"");
    for (LiveMetrics.DropReason r : LiveMetrics.DropReason.values()) expected.add("omnicontext_frames_dropped_total reason=\"" + tag(r) + "\"");
    for (LiveMetrics.Store s : LiveMetrics.Store.values()) expected.add("omnicontext_store_errors_total store=\"" + tag(s) + "\"");
    for (LiveMetrics.RateScope s : LiveMetrics.RateScope.values()) expected.add("omnicontext_rate_limited_total scope=\"" + tag(s) + "\"");
    for (String name : List.of("omnicontext_slow_consumers_closed_total", "omnicontext_feed_reconnects_total", "omnicontext_gap_fills_total",
        "omnicontext_journal_lag", "omnicontext_journal_relay_errors_total", "omnicontext_push_latency_seconds_count",
        "omnicontext_push_latency_seconds_bucket le=\"+Inf\"")) {
      expected.add(name);
    }
    List<String> missing = new ArrayList<>();
    for (String e : expected) {
      String[] nameAndLabel = e.split(" ", 2);
      boolean present = samples.stream().anyMatch(s -> s.name().equals(nameAndLabel[0])
          && (nameAndLabel.length == 1 || s.labels().contains(nameAndLabel[1])));
      if (!present) missing.add(e);
    }
    assertEquals(List.of(), missing, "series registered at start-up with their known tag values");
    assertFalse(expected.isEmpty());
  }
}
