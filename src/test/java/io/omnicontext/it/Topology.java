package io.omnicontext.it;

import java.util.List;
import java.util.Map;

/**
 * Where a test class runs its server nodes: on the standalone Redis by default; a Cluster*IT subclass that also
 * implements {@link OnCluster} runs the same tests on the local Redis Cluster. Tests say one(), two(), three(),
 * extra(...) instead of Nodes.one() and so on, and reach Redis itself through the two hooks below.
 */
interface Topology {
  default List<Nodes.Node> nodes() { return Nodes.all(); }

  default Nodes.Node one() { return nodes().get(0); }

  default Nodes.Node two() { return nodes().get(1); }

  default Nodes.Node three() { return nodes().get(2); }

  /** A node of the test's own (a fault test stops or kills it) on this topology. */
  default Nodes.Node extra(String name, Map<String, String> env) { return Nodes.startExtra(name, env); }

  default boolean onCluster() { return false; }

  /** Every key gone, as after a Redis without persistence restarted. */
  default void wipeRedis() { Infra.redisCli("FLUSHALL"); }

  /** The connections the nodes receive pushes on are cut (the nodes must notice and fill the gap). */
  default void killPubSubConnections() { Infra.redisCli("CLIENT", "KILL", "TYPE", "pubsub"); }

  /** The same tests on the local Redis Cluster (bin/infra, REDIS_CLUSTER_PORTS). */
  interface OnCluster extends Topology {
    @Override
    default List<Nodes.Node> nodes() { return Nodes.cluster(); }

    @Override
    default Nodes.Node extra(String name, Map<String, String> env) { return Nodes.startExtraOnCluster(name, env); }

    @Override
    default boolean onCluster() { return true; }

    @Override
    default void wipeRedis() { Infra.clusterMasters().forEach(port -> Infra.clusterCli(port, "FLUSHALL")); }

    /** Sharded subscriptions (SSUBSCRIBE) are pubsub connections too, on whichever node serves their slot. */
    @Override
    default void killPubSubConnections() { Infra.CLUSTER_PORTS.forEach(port -> Infra.clusterCli(port, "CLIENT", "KILL", "TYPE", "pubsub")); }
  }
}
