package io.omnicontext.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The bucket leases' decisions, and a few nodes stepping on a shared owner table as Redis would keep it. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FairShareTests {
  private static final int B = RedisKeys.BUCKETS;

  @Test
  void the_share_is_the_bucket_count_divided_by_the_live_nodes_rounded_up() {
    assertEquals(128, FairShare.share(128, 1));
    assertEquals(64, FairShare.share(128, 2));
    assertEquals(43, FairShare.share(128, 3));
    assertEquals(32, FairShare.share(128, 4));
    assertEquals(26, FairShare.share(128, 5));
    assertEquals(1, FairShare.share(128, 200));
    assertEquals(128, FairShare.share(128, 0), "a node counts itself even before its heartbeat is seen");
  }

  @Test
  void below_its_share_a_node_claims_free_buckets_only_and_no_more_than_it_lacks() {
    List<Integer> free = List.of(3, 9, 17, 40, 77, 100);
    FairShare.Plan plan = FairShare.plan("node-a", B, 4, range(0, 29), free); // holds 29 of 32
    assertEquals(3, plan.claim().size());
    assertTrue(free.containsAll(plan.claim()), plan.claim().toString());
    assertEquals(List.of(), plan.release());
    assertEquals(List.of(3, 9), FairShare.plan("node-a", B, 4, range(0, 10), List.of(3, 9)).claim().stream().sorted().toList(),
        "fewer free buckets than it lacks: all of them");
  }

  @Test
  void above_its_share_a_node_lets_go_of_the_surplus_and_claims_nothing() {
    FairShare.Plan plan = FairShare.plan("node-a", B, 4, range(0, 43), List.of(50, 51)); // a fourth node joined
    assertEquals(11, plan.release().size());
    assertEquals(List.of(), plan.claim());
    assertTrue(range(0, 43).containsAll(plan.release()));
    assertEquals(FairShare.Plan.NOTHING, FairShare.plan("node-a", B, 4, range(0, 32), List.of(50)), "at its share: nothing to do");
  }

  @Test
  void nodes_prefer_different_buckets_so_simultaneous_claims_mostly_miss_each_other() {
    List<Integer> all = range(0, B);
    Set<Integer> a = new HashSet<>(FairShare.ranked("node-a", all).subList(0, 43));
    Set<Integer> b = new HashSet<>(FairShare.ranked("node-b", all).subList(0, 43));
    a.retainAll(b);
    assertTrue(a.size() < 30, "overlap of the two nodes' first choices: " + a.size());
    assertEquals(FairShare.ranked("node-a", all), FairShare.ranked("node-a", List.copyOf(new HashSet<>(all))), "stable, whatever the input order");
  }

  @Test
  void three_nodes_starting_together_hold_every_bucket_once_each_within_its_share() {
    Cluster c = new Cluster("n1", "n2", "n3");
    c.rounds(3);
    c.assertFair();
  }

  @Test
  void a_node_that_dies_has_its_buckets_taken_over_in_the_round_after_its_leases_ran_out() {
    Cluster c = new Cluster("n1", "n2", "n3", "n4");
    c.rounds(3);
    c.assertFair();
    c.kill("n4"); // its leases and its heartbeat run out together
    c.rounds(1);
    c.assertFair();
  }

  @Test
  void a_node_that_joins_gets_its_share_while_the_others_let_go_of_theirs() {
    Cluster c = new Cluster("n1", "n2", "n3");
    c.rounds(3);
    c.join("n4");
    c.rounds(2); // the others release at the first round that sees four nodes, the newcomer claims at the next
    c.assertFair();
    assertEquals(32, c.held("n4").size());
  }

  private static List<Integer> range(int from, int to) { return IntStream.range(from, to).boxed().toList(); }

  /** Nodes stepping one after the other on one owner table (what the lease keys hold), with FairShare's plans. */
  private static final class Cluster {
    private final List<String> live = new ArrayList<>();
    private final Map<Integer, String> owner = new HashMap<>();

    Cluster(String... nodes) { live.addAll(List.of(nodes)); }

    void join(String node) { live.add(node); }

    void kill(String node) {
      live.remove(node);
      owner.values().removeIf(node::equals);
    }

    Set<Integer> held(String node) {
      Set<Integer> out = new HashSet<>();
      owner.forEach((b, n) -> { if (n.equals(node)) out.add(b); });
      return out;
    }

    void rounds(int n) {
      for (int i = 0; i < n; i++) {
        for (String node : live) {
          List<Integer> free = range(0, B).stream().filter(b -> !owner.containsKey(b)).toList();
          FairShare.Plan plan = FairShare.plan(node, B, live.size(), held(node), free);
          plan.release().forEach(owner::remove);
          plan.claim().forEach(b -> owner.putIfAbsent(b, node));
        }
      }
    }

    void assertFair() {
      assertEquals(B, owner.size(), "every bucket has an owner");
      assertTrue(live.containsAll(owner.values()), "only live nodes own buckets");
      int share = FairShare.share(B, live.size());
      for (String node : live) assertTrue(held(node).size() <= share, node + " holds " + held(node).size() + " > " + share);
    }
  }
}
