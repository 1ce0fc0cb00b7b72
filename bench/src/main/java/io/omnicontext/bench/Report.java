package io.omnicontext.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One run's table (rows of named cells, the columns shown in order), its notes, the machine and the exact parameters. */
final class Report {
  /** A column: the key of the cell in each row, the header shown, the decimals of a number. */
  record Column(String key, String header, int decimals) {}

  final String scenario;
  final Instant started = Instant.now();
  final List<Column> columns = new ArrayList<>();
  final List<Map<String, Object>> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  final Map<String, Object> machine = new LinkedHashMap<>();
  Map<String, Object> parameters = new LinkedHashMap<>();
  String command = "";
  /** The run is clean: nothing lost, duplicated, out of order or refused, no write failed. */
  boolean clean = true;
  /** Nothing lost, duplicated, out of order or refused (failed writes aside: a 503 under load is an answer). */
  boolean deliveryClean = true;
  /** Change frames the screens had to receive: 0 means the run checked nothing. */
  long framesExpected;

  Report(String scenario) { this.scenario = scenario; }

  Report column(String key, String header, int decimals) { columns.add(new Column(key, header, decimals)); return this; }

  String table() {
    List<String[]> cells = new ArrayList<>();
    String[] head = new String[columns.size()];
    for (int i = 0; i < head.length; i++) head[i] = columns.get(i).header();
    for (Map<String, Object> row : rows) {
      String[] line = new String[columns.size()];
      for (int i = 0; i < line.length; i++) line[i] = format(row.get(columns.get(i).key()), columns.get(i).decimals());
      cells.add(line);
    }
    int[] width = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      width[i] = head[i].length();
      for (String[] line : cells) width[i] = Math.max(width[i], line[i].length());
    }
    StringBuilder out = new StringBuilder();
    appendLine(out, head, width);
    String[] rule = new String[head.length];
    for (int i = 0; i < head.length; i++) rule[i] = "-".repeat(width[i] - 1) + ":";
    appendLine(out, rule, width);
    for (String[] line : cells) appendLine(out, line, width);
    return out.toString();
  }

  private static void appendLine(StringBuilder out, String[] cells, int[] width) {
    out.append('|');
    for (int i = 0; i < cells.length; i++) out.append(' ').append(" ".repeat(width[i] - cells[i].length())).append(cells[i]).append(" |");
    out.append('\n');
  }

  static String format(Object v, int decimals) {
    if (v == null) return "";
    if (v instanceof Double d) return d.isNaN() ? "n/a" : String.format("%,." + decimals + "f", d);
    if (v instanceof Float f) return String.format("%,." + decimals + "f", f);
    if (v instanceof Long || v instanceof Integer) return String.format("%,d", ((Number) v).longValue());
    return v.toString();
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# bin/bench ").append(scenario).append(" — ").append(started).append("\n\n");
    md.append("`").append(command).append("`\n\n");
    md.append(table()).append('\n');
    md.append(clean ? "Result: **clean** (nothing lost, duplicated, out of order or refused; no write failed).\n"
        : "Result: **NOT clean** (see the notes).\n");
    if (!notes.isEmpty()) {
      md.append("\n## Notes\n\n");
      for (String n : notes) md.append("- ").append(n).append('\n');
    }
    md.append("\n## Machine\n\n");
    machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    md.append("\n## Parameters\n\n");
    parameters.forEach((k, v) -> md.append("- `--").append(k).append(' ').append(v).append("`\n"));
    return md.toString();
  }

  JsonObject json() {
    JsonArray cols = new JsonArray();
    for (Column c : columns) cols.add(new JsonObject().put("key", c.key()).put("header", c.header()));
    JsonArray rs = new JsonArray();
    for (Map<String, Object> r : rows) {
      JsonObject o = new JsonObject();
      r.forEach((k, v) -> o.put(k, v instanceof Double d && (d.isNaN() || d.isInfinite()) ? null : v));
      rs.add(o);
    }
    return new JsonObject().put("scenario", scenario).put("started", started.toString()).put("finished", Instant.now().toString())
        .put("command", command).put("clean", clean).put("columns", cols).put("rows", rs).put("notes", new JsonArray(notes))
        .put("machine", new JsonObject(new LinkedHashMap<>(machine))).put("parameters", new JsonObject(new LinkedHashMap<>(parameters)));
  }

  void write(Path prefix) throws IOException {
    Files.createDirectories(prefix.toAbsolutePath().getParent());
    Files.writeString(Path.of(prefix + ".md"), markdown());
    Files.writeString(Path.of(prefix + ".json"), json().encodePrettily() + "\n");
  }
}
