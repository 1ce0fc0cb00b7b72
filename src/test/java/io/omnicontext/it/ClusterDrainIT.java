package io.omnicontext.it;

import io.omnicontext.adapter.redis.RedisKeys;
import java.util.Map;
import java.util.TreeMap;

/** {@link DrainIT} on the local Redis Cluster: the drained node's buckets (one slot each) are handed over there too. */
class ClusterDrainIT extends DrainIT implements Topology.OnCluster {
  /** One GET per bucket, following MOVED (-c): the 128 lease keys live in 128 slots. */
  @Override
  Map<Integer, String> owners() {
    int seed = Infra.clusterMasters().get(0);
    Map<Integer, String> out = new TreeMap<>();
    for (int b = 0; b < RedisKeys.BUCKETS; b++) {
      String owner = Infra.clusterCli(seed, "-c", "GET", RedisKeys.bucketOwner(b)).trim();
      out.put(b, owner.isEmpty() ? null : owner);
    }
    return out;
  }
}
