package io.omnicontext.it;

/** {@link DrainIT} on the local Redis Cluster: the drained node's buckets (one slot each) are handed over there too. */
class ClusterDrainIT extends DrainIT implements Topology.OnCluster {}
