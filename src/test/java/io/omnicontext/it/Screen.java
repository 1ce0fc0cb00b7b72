package io.omnicontext.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A screen following several customers on one node, as an agent's would: when the server closes its connection
 * (a failover it cannot bridge, a drain) it opens another and resumes every customer with {@code after}. It
 * reads its frames as the contract promises them: per customer every change once and in version order; a
 * snapshot after the first only as a resync to its version (counted), never a step back.
 */
final class Screen implements AutoCloseable {
  private final Client client;
  private final List<String> customers;
  private final List<Client.Stream> connections = new ArrayList<>();

  Screen(Client client, List<String> customers) {
    this.client = client;
    this.customers = List.copyOf(customers);
    Client.Stream first = client.stream();
    customers.forEach(first::subscribe);
    connections.add(first);
  }

  /** What the screen knows of one customer so far, read from all its connections in order. */
  record Line(long version, int resyncs, List<String> problems) {}

  Line line(String customer) {
    long version = -1;
    int resyncs = 0;
    List<String> problems = new ArrayList<>();
    for (Client.Stream s : connections) {
      for (JsonNode f : s.frames) {
        if (!customer.equals(f.path("customerId").asText())) continue;
        long v = f.path("version").asLong();
        switch (f.path("type").asText()) {
          case "snapshot" -> {
            if (version >= 0) resyncs++;
            if (v < version) problems.add("snapshot v" + v + " after v" + version);
            version = Math.max(version, v);
          }
          case "change" -> {
            if (v != version + 1) problems.add((v <= version ? "v" + v + " again or out of order" : "gap: v" + v) + " after v" + version);
            version = Math.max(version, v);
          }
          default -> { }
        }
      }
    }
    return new Line(version, resyncs, problems);
  }

  /**
   * Waits until every customer reached its top version, resuming on a new connection whenever the server
   * closed the current one; then the lines as seen (problems and all).
   */
  Map<String, Line> follow(Map<String, Long> tops, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Map<String, Line> lines = new LinkedHashMap<>();
      customers.forEach(c -> lines.put(c, line(c)));
      boolean done = tops.entrySet().stream().allMatch(e -> lines.get(e.getKey()).version() >= e.getValue());
      if (done || System.nanoTime() > deadline) return lines;
      if (current().closedWith() != null) resume(lines);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return lines;
      }
    }
  }

  /** How many connections the screen needed (1: the server never closed it). */
  int connections() { return connections.size(); }

  private Client.Stream current() { return connections.get(connections.size() - 1); }

  private void resume(Map<String, Line> lines) {
    Client.Stream next = client.stream();
    connections.add(next);
    lines.forEach((c, line) -> next.send(Map.of("type", "subscribe", "customerId", c, "after", line.version())));
  }

  @Override
  public void close() { current().close(); }
}
