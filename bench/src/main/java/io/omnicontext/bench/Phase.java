package io.omnicontext.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What one step of a scenario measured: its writes, their answers and the frames they caused. Thread-safe. */
final class Phase {
  private static final long MAX_MICROS = 600_000_000L;   // 10 min: anything later is clamped, never dropped

  final String name;
  final Histogram delivery = new ConcurrentHistogram(MAX_MICROS, 3);   // write sent -> change frame, µs
  final Histogram rest = new ConcurrentHistogram(MAX_MICROS, 3);       // write sent -> 200 answer, µs
  final LongAdder writesSent = new LongAdder();
  final LongAdder writesOk = new LongAdder();
  final LongAdder writesBehind = new LongAdder();   // due by the rate but not sent: too many in flight
  final LongAdder frames = new LongAdder();         // change frames of this phase's writes, duplicates excluded
  private final Map<String, Long> failures = new TreeMap<>();
  volatile long writeStartNanos;
  volatile long writeEndNanos;

  Phase(String name) { this.name = name; }

  static void record(Histogram h, long nanos) { h.recordValue(Math.max(0, Math.min(MAX_MICROS, nanos / 1000))); }

  synchronized void failed(String why) { failures.merge(why, 1L, Long::sum); }

  synchronized Map<String, Long> failures() { return new TreeMap<>(failures); }

  long writeFailures() { return failures().values().stream().mapToLong(Long::longValue).sum(); }

  double writeSeconds() { return Math.max(1e-9, (writeEndNanos - writeStartNanos) / 1e9); }

  static double ms(Histogram h, double percentile) { return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0; }

  static double maxMs(Histogram h) { return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0; }
}
