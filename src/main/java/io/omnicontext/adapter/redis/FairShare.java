package io.omnicontext.adapter.redis;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The pure part of the bucket leases: how many buckets a node should hold, which free ones it claims and which
 * it lets go of. Each node ranks the buckets by its own preference (a hash of node and bucket), claims the ones it
 * prefers most and gives up the ones it prefers least, so nodes claiming at the same time mostly reach for
 * different buckets, and a join or a death moves few buckets besides the ones that must move.
 */
final class FairShare {
  private FairShare() {}

  /** What one step does: buckets to claim (free ones, NX) and buckets to let go of (held ones, surplus). */
  record Plan(List<Integer> claim, List<Integer> release) {
    static final Plan NOTHING = new Plan(List.of(), List.of());
  }

  /** ceil(buckets / live nodes); a node always counts itself, so fewer than one live node counts as one. */
  static int share(int buckets, long liveNodes) {
    long n = Math.max(1, liveNodes);
    return (int) ((buckets + n - 1) / n);
  }

  /** Whether a node holding {@code held} buckets needs to know which are free (it is below its share). */
  static boolean wantsMore(int buckets, long liveNodes, int held) { return held < share(buckets, liveNodes); }

  /**
   * The step of {@code node}: above its share it lets go of the surplus it prefers least; below, it claims the free
   * buckets it prefers most, up to its share ({@code free} must not contain buckets it holds).
   */
  static Plan plan(String node, int buckets, long liveNodes, Collection<Integer> held, Collection<Integer> free) {
    int share = share(buckets, liveNodes);
    if (held.size() > share) {
      List<Integer> best = ranked(node, held);
      return new Plan(List.of(), best.subList(share, best.size()));
    }
    if (held.size() < share) {
      List<Integer> best = ranked(node, free);
      return new Plan(best.subList(0, Math.min(best.size(), share - held.size())), List.of());
    }
    return Plan.NOTHING;
  }

  /** Buckets by the node's preference, most preferred first. */
  static List<Integer> ranked(String node, Collection<Integer> buckets) {
    return buckets.stream().sorted(Comparator.comparingLong((Integer b) -> preference(node, b)).reversed().thenComparing(b -> b)).toList();
  }

  /** A well-mixed 64-bit hash of node and bucket (SplitMix64's finaliser): stable across runs and JVMs. */
  static long preference(String node, int bucket) {
    long z = node.hashCode() * 0x9E3779B97F4A7C15L + bucket;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
