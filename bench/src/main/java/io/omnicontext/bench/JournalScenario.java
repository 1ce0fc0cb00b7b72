package io.omnicontext.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * journal: journal appends/s on one PostgreSQL with the group commit (issue 10 item 7). Closed-loop writes over many
 * customers at stepped concurrency, in `journal` durability, where a write is acknowledged only once PostgreSQL has
 * its change; PostgreSQL's own figures for each step: rows added to change_journal and transactions that wrote
 * (the difference of txid_current()), so rows per transaction shows how much the group commit batches. The only
 * scenario that reads PostgreSQL (through psql, as bin/bench passes it), and only to count.
 */
final class JournalScenario {
  private JournalScenario() {}

  static void journal(Bench b, Report r) throws Exception {
    List<Integer> steps = b.opts.integers("concurrency", "16,64,256");
    double seconds = b.opts.decimal("duration", 10);
    int customers = b.opts.integer("customers", 10_000);
    String psql = b.opts.quiet("psql", "psql");
    r.column("step", "step", 0).column("concurrency", "concurrency", 0).column("opsPerS", "acknowledged writes/s", 0)
        .column("rowsPerS", "journal rows/s", 0).column("txPerS", "PG write transactions/s", 0).column("rowsPerTx", "rows per transaction", 1)
        .column("restP50", "REST p50 ms", 1).column("restP99", "REST p99 ms", 1).column("failures", "failed writes", 0)
        .column("serverCores", "server CPU cores", 2).column("generatorPct", "gen CPU %", 0).column("machineBusyPct", "machine busy %", 0);
    List<Customer> cs = b.customers("j", customers);
    int widest = steps.stream().mapToInt(Integer::intValue).max().orElse(16);
    Writer writer = b.writer(false, widest);
    try {
      b.warmUpWrites(r, writer, steps.get(0));
      for (int concurrency : steps) {
        Phase phase = new Phase(concurrency + " writers");
        long[] before = counters(psql);
        Meter.Span span = b.meter.start();
        writer.closedLoop(cs, concurrency, seconds, phase);
        writer.drain(15_000);
        span.stop();
        long[] after = counters(psql);
        double ws = phase.writeSeconds();
        long rows = after[0] - before[0];
        long txs = Math.max(0, after[1] - before[1] - 1); // the second txid_current() takes one itself
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", phase.name);
        row.put("concurrency", concurrency);
        row.put("opsPerS", phase.writesOk.sum() / ws);
        row.put("committed", phase.writesOk.sum());
        row.put("journalRows", rows);
        row.put("rowsPerS", rows / span.seconds);
        row.put("writeTransactions", txs);
        row.put("txPerS", txs / span.seconds);
        row.put("rowsPerTx", txs == 0 ? Double.NaN : rows / (double) txs);
        row.put("restP50", Phase.ms(phase.rest, 50));
        row.put("restP99", Phase.ms(phase.rest, 99));
        row.put("failures", phase.writeFailures());
        row.put("failuresByKind", phase.failures());
        b.putResources(row, span, 0);
        r.rows.add(row);
        if (phase.writeFailures() > 0) {
          r.clean = false;
          r.notes.add(phase.name + ": failed writes " + phase.failures());
        }
        b.noteGenerator(r, phase.name, span);
      }
      r.notes.add("journal rows/s and transactions/s are PostgreSQL's own counts over the step (the rows of change_journal, the"
          + " difference of txid_current()), divided by the step's wall time including the drain; transactions include the"
          + " relay's, which finds the rows already written");
    } finally {
      writer.close();
    }
  }

  /** {rows in change_journal, txid_current()} from the run's PostgreSQL (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE). */
  private static long[] counters(String psql) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(psql, "-X", "-qtA", "-F", " ", "-c", "SELECT (SELECT count(*) FROM change_journal), txid_current()")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("psql failed: " + out);
    String[] parts = out.split("\\s+");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }
}
