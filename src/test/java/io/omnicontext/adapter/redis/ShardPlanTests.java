package io.omnicontext.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicontext.adapter.redis.ShardPlan.Move;
import io.omnicontext.adapter.redis.ShardPlan.Redirect;
import io.omnicontext.adapter.redis.SlotMap.Master;
import io.omnicontext.adapter.redis.SlotMap.Range;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Slot-map look-ups and the cluster feed's routing decisions (pure). Slots of the channels: see HashSlotTests. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ShardPlanTests {
  private static final Master A = new Master("127.0.0.1", 54011);
  private static final Master B = new Master("127.0.0.1", 54012);
  private static final Master C = new Master("127.0.0.1", 54013);
  private static final Master B_REPLICA = new Master("127.0.0.1", 54015);
  /** The layout `redis-cli --cluster create` makes for three masters. */
  private static final SlotMap THREE = new SlotMap(List.of(new Range(0, 5460, A), new Range(5461, 10922, B), new Range(10923, 16383, C)));
  private static final String IN_A = "oc:{b5}:{acme:c1}"; // slot 3006
  private static final String IN_B = "oc:{b0}:{acme:c2}"; // slot 6939
  private static final String IN_C = "oc:{acme#team:sales}"; // slot 15972

  @Test
  void each_slot_has_the_master_of_its_range() {
    assertEquals(A, THREE.master(0));
    assertEquals(A, THREE.master(5460));
    assertEquals(B, THREE.master(5461));
    assertEquals(C, THREE.master(16383));
    assertEquals(A, THREE.masterOf(IN_A));
    assertEquals(B, THREE.masterOf(IN_B));
    assertEquals(C, THREE.masterOf(IN_C));
    assertEquals(Set.of(A, B, C), THREE.masters());
    assertEquals(0, THREE.uncovered());
  }

  @Test
  void a_slot_no_range_covers_has_no_master() {
    SlotMap partial = new SlotMap(List.of(new Range(0, 5460, A), new Range(10923, 16383, C)));
    assertNull(partial.master(6939));
    assertEquals(5462, partial.uncovered());
    assertTrue(partial.describe().contains("5462 slots without a master"), partial.describe());
  }

  @Test
  void maps_are_equal_when_every_slot_has_the_same_master() {
    SlotMap split = new SlotMap(List.of(new Range(0, 100, A), new Range(101, 5460, A), new Range(5461, 10922, B), new Range(10923, 16383, C)));
    assertEquals(THREE, split);
    assertFalse(ShardPlan.changed(THREE, split));
    assertTrue(ShardPlan.changed(null, THREE));
    assertTrue(ShardPlan.changed(THREE, failedOver()));
  }

  @Test
  void channels_followed_nowhere_go_to_their_slot_master() {
    Map<String, String> placed = new HashMap<>();
    placed.put(IN_A, null);
    placed.put(IN_B, null);
    placed.put(IN_C, null);
    ShardPlan.Plan plan = ShardPlan.plan(THREE, placed);
    assertEquals(Set.of(new Move(IN_A, null, A), new Move(IN_B, null, B), new Move(IN_C, null, C)), Set.copyOf(plan.moves()));
    assertTrue(plan.waiting().isEmpty());
  }

  @Test
  void after_a_failover_only_the_failed_master_channels_move_to_its_replica() {
    Map<String, String> placed = Map.of(IN_A, A.key(), IN_B, B.key(), IN_C, C.key());
    ShardPlan.Plan plan = ShardPlan.plan(failedOver(), placed);
    assertEquals(List.of(new Move(IN_B, B.key(), B_REPLICA)), plan.moves());
    assertTrue(plan.waiting().isEmpty());
    assertTrue(ShardPlan.plan(THREE, placed).settled());
  }

  @Test
  void channels_whose_slot_has_no_master_wait() {
    SlotMap partial = new SlotMap(List.of(new Range(0, 5460, A), new Range(10923, 16383, C)));
    ShardPlan.Plan plan = ShardPlan.plan(partial, Map.of(IN_A, A.key(), IN_B, B.key()));
    assertTrue(plan.moves().isEmpty());
    assertEquals(List.of(IN_B), plan.waiting());
    assertFalse(plan.settled());
  }

  @Test
  void a_connection_is_idle_once_its_node_is_no_master_and_it_carries_nothing() {
    Set<String> connections = Set.of(A.key(), B.key(), C.key());
    assertEquals(Set.of(B.key()), ShardPlan.idle(failedOver(), connections, List.of(A.key(), B_REPLICA.key())));
    assertEquals(Set.of(), ShardPlan.idle(failedOver(), connections, List.of(B.key())), "still carrying: kept until moved");
    assertEquals(Set.of(), ShardPlan.idle(THREE, connections, List.of()), "a master's connection is kept while empty");
  }

  @Test
  void moved_and_ask_name_the_slot_clusterdown_the_whole_node() {
    assertEquals(new Redirect("MOVED", 6939), Redirect.parse("MOVED 6939 127.0.0.1:54012"));
    assertEquals(new Redirect("ASK", 3006), Redirect.parse("ASK 3006 127.0.0.1:54011"));
    assertEquals(new Redirect("CLUSTERDOWN", -1), Redirect.parse("CLUSTERDOWN The cluster is down"));
    assertEquals(new Redirect("TRYAGAIN", -1), Redirect.parse("TRYAGAIN Multiple keys request during rehashing of slot"));
    assertNull(Redirect.parse("ERR unknown command"));
    assertNull(Redirect.parse("MOVED 99999 127.0.0.1:1"));
    assertNull(Redirect.parse("MOVED x"));
    assertNull(Redirect.parse(null));
  }

  @Test
  void a_redirect_concerns_the_channels_of_its_slot_or_all() {
    List<String> waiting = List.of(IN_A, IN_B, IN_C);
    assertEquals(List.of(IN_B), Redirect.parse("MOVED 6939 127.0.0.1:54012").concerns(waiting));
    assertEquals(List.of(), Redirect.parse("MOVED 1 127.0.0.1:54012").concerns(waiting));
    assertEquals(waiting, Redirect.parse("CLUSTERDOWN The cluster is down").concerns(waiting));
  }

  @Test
  void a_master_is_reached_with_the_seed_scheme_and_credentials() {
    assertEquals("redis://127.0.0.1:54015", ClusterFeed.endpoint("redis://127.0.0.1:54001", "127.0.0.1", 54015));
    assertEquals("rediss://:s3cret@10.0.0.7:6379", ClusterFeed.endpoint("rediss://:s3cret@seed.example:6380", "10.0.0.7", 6379));
    assertEquals("redis://[::1]:7000", ClusterFeed.endpoint("redis://localhost:7000", "::1", 7000));
  }

  /** B failed: its replica serves B's slots. */
  private static SlotMap failedOver() {
    return new SlotMap(List.of(new Range(0, 5460, A), new Range(5461, 10922, B_REPLICA), new Range(10923, 16383, C)));
  }
}
