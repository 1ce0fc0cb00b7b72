package io.omnicontext.it;

import io.omnicontext.adapter.redis.RedisKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /** One Redis command on the nodes' data (the ITs' standalone nodes use database 2); its raw answer. */
  default String redis(String... command) {
    String[] args = new String[command.length + 2];
    args[0] = "-n";
    args[1] = "2";
    System.arraycopy(command, 0, args, 2, command.length);
    return Infra.redisCli(args);
  }

  /** Each bucket's holder as Redis has it (docs/buckets.md: oc:{b<n>}:owner), null for none: one MGET on standalone. */
  default Map<Integer, String> bucketOwners() {
    List<String> args = new ArrayList<>(List.of("--no-raw", "MGET"));
    for (int b = 0; b < RedisKeys.BUCKETS; b++) args.add(RedisKeys.bucketOwner(b));
    Map<Integer, String> out = new TreeMap<>();
    Matcher m = Pattern.compile("^\\s*(\\d+)\\) (.*)$", Pattern.MULTILINE).matcher(redis(args.toArray(String[]::new)));
    while (m.find()) out.put(Integer.parseInt(m.group(1)) - 1, m.group(2).startsWith("\"") ? m.group(2).replace("\"", "") : null);
    if (out.size() != RedisKeys.BUCKETS) throw new IllegalStateException("one answer per bucket expected: " + out);
    return out;
  }

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

    /** The lease keys live in 128 slots: one GET each. */
    @Override
    default Map<Integer, String> bucketOwners() {
      Map<Integer, String> out = new TreeMap<>();
      for (int b = 0; b < RedisKeys.BUCKETS; b++) {
        String owner = redis("GET", RedisKeys.bucketOwner(b)).trim();
        out.put(b, owner.isEmpty() ? null : owner);
      }
      return out;
    }

    /** Sent to a live master, following MOVED to the key's own (-c). */
    @Override
    default String redis(String... command) {
      String[] args = new String[command.length + 1];
      args[0] = "-c";
      System.arraycopy(command, 0, args, 1, command.length);
      return Infra.clusterCli(Infra.clusterMasters().get(0), args);
    }
  }
}
