package io.omnicontext.adapter.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which master serves each of a Redis Cluster's {@link HashSlot#SLOTS} slots, as one node answered
 * CLUSTER SLOTS at one moment. A slot no master serves (the cluster is reconfiguring) has none. Immutable.
 */
public final class SlotMap {
  /** A master as the cluster announces it; {@link #key()} names its feed connection. */
  public record Master(String host, int port) {
    public String key() { return host + ":" + port; }
  }

  /** One range of CLUSTER SLOTS' answer: slots {@code first..last} (inclusive) served by {@code master}. */
  public record Range(int first, int last, Master master) {
    public Range {
      if (first < 0 || last >= HashSlot.SLOTS || first > last) throw new IllegalArgumentException("bad slot range " + first + "-" + last);
      Objects.requireNonNull(master, "master");
    }
  }

  private final Master[] bySlot = new Master[HashSlot.SLOTS];
  private final List<Range> ranges;

  public SlotMap(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
    for (Range r : this.ranges) Arrays.fill(bySlot, r.first(), r.last() + 1, r.master());
  }

  /** The master serving a slot, or null when none does now. */
  public Master master(int slot) { return bySlot[slot]; }

  /** The master serving a channel's (or key's) slot, or null when none does now. */
  public Master masterOf(String channel) { return master(HashSlot.of(channel)); }

  /** Every master that serves at least one slot. */
  public Set<Master> masters() {
    Set<Master> all = new LinkedHashSet<>();
    for (Range r : ranges) all.add(r.master());
    return all;
  }

  /** How many slots no master serves. */
  public int uncovered() {
    int n = 0;
    for (Master m : bySlot) if (m == null) n++;
    return n;
  }

  /** For the log: "127.0.0.1:7000 [0-5460] 127.0.0.1:7001 [5461-10922] ...", ranges in slot order. */
  public String describe() {
    List<Range> sorted = new ArrayList<>(ranges);
    sorted.sort((a, b) -> Integer.compare(a.first(), b.first()));
    StringBuilder s = new StringBuilder();
    for (Range r : sorted) {
      if (s.length() > 0) s.append(' ');
      s.append(r.master().key()).append(" [").append(r.first()).append('-').append(r.last()).append(']');
    }
    int missing = uncovered();
    if (missing > 0) s.append(" (").append(missing).append(" slots without a master)");
    return s.toString();
  }

  /** Same master for every slot. */
  @Override public boolean equals(Object o) { return o instanceof SlotMap m && Arrays.equals(bySlot, m.bySlot); }

  @Override public int hashCode() { return Arrays.hashCode(bySlot); }

  @Override public String toString() { return describe(); }
}
