package io.omnicontext.it;

/** {@link BucketLeasesIT} on the local Redis Cluster: the 128 leases (one slot each) shared out and taken over there. */
class ClusterBucketLeasesIT extends BucketLeasesIT implements Topology.OnCluster {}
