package io.omnicontext.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One customer's version line as the generator saw it: when each version's write was sent (known once its POST
 * answered) and when its frames arrived. A frame may arrive before the answer that names its version: such arrivals
 * wait here and are matched when the answer comes. Versions are indexes: each run writes to customers of its own.
 */
final class Customer {
  final String id;
  private long[] sentNanos = new long[8];
  private Phase[] phaseOf = new Phase[8];
  private long[] lastArrival = new long[8];
  private int[] arrivals = new int[8];
  private long maxAnswered;
  private final List<long[]> early = new ArrayList<>();   // {version, arrival nanos}

  Customer(String id) { this.id = id; }

  synchronized void answered(long version, long sent, Phase phase) {
    grow(version);
    int v = (int) version;
    sentNanos[v] = sent;
    phaseOf[v] = phase;
    maxAnswered = Math.max(maxAnswered, version);
    for (int i = early.size() - 1; i >= 0; i--) {
      long[] a = early.get(i);
      if (a[0] == version) { deliver(v, a[1]); early.remove(i); }
    }
  }

  synchronized void arrived(long version, long nanos) {
    grow(version);
    int v = (int) version;
    if (sentNanos[v] != 0) deliver(v, nanos);
    else early.add(new long[] {version, nanos});
  }

  private void deliver(int v, long nanos) {
    Phase p = phaseOf[v];
    Phase.record(p.delivery, nanos - sentNanos[v]);
    p.frames.increment();
    arrivals[v]++;
    lastArrival[v] = Math.max(lastArrival[v], nanos);
  }

  /** The highest version whose write was answered 200: every subscriber must see every version up to it. */
  synchronized long maxAnswered() { return maxAnswered; }

  /** Per write of the phase that reached `screens` screens: sent -> the last screen's frame, in µs. */
  synchronized void lastScreenLatencies(Phase phase, int screens, org.HdrHistogram.Histogram into) {
    for (int v = 1; v <= maxAnswered && v < phaseOf.length; v++) {
      if (phaseOf[v] == phase && arrivals[v] >= screens) Phase.record(into, lastArrival[v] - sentNanos[v]);
    }
  }

  private void grow(long version) {
    if (version >= Integer.MAX_VALUE) throw new IllegalStateException("version out of range: " + version);
    if (version < sentNanos.length) return;
    int n = Math.max((int) version + 1, sentNanos.length * 2);
    sentNanos = Arrays.copyOf(sentNanos, n);
    phaseOf = Arrays.copyOf(phaseOf, n);
    lastArrival = Arrays.copyOf(lastArrival, n);
    arrivals = Arrays.copyOf(arrivals, n);
  }
}
