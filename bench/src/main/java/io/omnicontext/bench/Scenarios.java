package io.omnicontext.bench;

import java.util.List;
import java.util.Map;

/** The scenarios of bin/bench. Each is bounded in time and count, stops by itself and fills one report. */
final class Scenarios {
  private Scenarios() {}

  /** latency / smoke: C customers × S screens over the nodes, R writes/s for D s (after a warm-up at the same rate). */
  static void latency(Bench b, Report r, int customers, int screens, double rate, double seconds) throws Exception {
    customers = b.opts.integer("customers", customers);
    screens = b.opts.integer("screens", screens);
    rate = b.opts.decimal("rate", rate);
    seconds = b.opts.decimal("duration", seconds);
    Bench.deliveryColumns(r);
    List<Customer> cs = b.customers("c", customers);
    Fleet fleet = b.fleet();
    Writer writer = b.writer(true, b.opts.integer("connections-per-node", 32));
    try {
      List<Screen> all = fleet.add(cs, screens);
      b.open(r, all, "open");
      Totals before = b.warmUp(r, "warm-up", writer, cs, all, rate, Totals.NONE);
      r.rows.add(b.deliveryStep(r, "measured", writer, cs, all, rate, seconds, before));
    } finally {
      writer.close();
      fleet.close();
    }
  }

  /** throughput: the rate stepped up until p99 passes the limit or anything is lost, in two shapes. */
  static void throughput(Bench b, Report r) throws Exception {
    double limitMs = b.opts.decimal("p99-limit-ms", 250);
    double step = b.opts.decimal("step-seconds", 6);
    Bench.deliveryColumns(r);
    shape(b, r, "latency shape", b.opts.integer("customers", 200), b.opts.integer("screens", 5),
        b.opts.integers("rates", "500,1000,2000,4000,8000"), step, limitMs, true);
    shape(b, r, "fan-out shape", b.opts.integer("fanout-customers", 100), b.opts.integer("fanout-screens", 100),
        b.opts.integers("fanout-rates", "100,200,400,800,1600"), step, limitMs, false);
  }

  private static void shape(Bench b, Report r, String name, int customers, int screens, List<Integer> rates, double seconds,
                            double limitMs, boolean first) throws Exception {
    if (customers * screens == 0 || rates.isEmpty()) return;
    List<Customer> cs = b.customers(name.substring(0, 1) + "c", customers);
    Fleet fleet = b.fleet();
    Writer writer = b.writer(true, b.opts.integer("connections-per-node", 32));
    try {
      List<Screen> all = fleet.add(cs, screens);
      b.open(r, all, name + " (" + customers + " × " + screens + ")");
      Totals before = Totals.of(all);
      if (first) before = b.warmUp(r, name + " warm-up @ " + rates.get(0) + "/s", writer, cs, all, rates.get(0), before);
      Double cleanRate = null, cleanFrames = null;
      for (int rate : rates) {
        String label = name + " @ " + rate + "/s";
        Map<String, Object> row = b.deliveryStep(r, label, writer, cs, all, rate, seconds, before);
        r.rows.add(row);
        before = Totals.of(all);
        boolean clean = Boolean.TRUE.equals(row.get("clean"));
        double p99 = (Double) row.get("p99");
        if (clean && p99 <= limitMs) { cleanRate = (Double) row.get("writesPerS"); cleanFrames = (Double) row.get("framesPerS"); }
        if (!clean || Double.isNaN(p99) || p99 > limitMs) {
          r.notes.add(String.format("%s: stopped at %d writes/s (%s)", name, rate, clean ? "p99 " + Report.format(p99, 1) + " ms > " + limitMs + " ms" : "not clean"));
          break;
        }
      }
      r.notes.add(cleanRate == null ? name + ": no step was clean with p99 ≤ " + limitMs + " ms"
          : String.format("%s: highest clean step with p99 ≤ %.0f ms: %,.0f writes/s, %,.0f frames/s", name, limitMs, cleanRate, cleanFrames));
    } finally {
      writer.close();
      fleet.close();
    }
  }
}
