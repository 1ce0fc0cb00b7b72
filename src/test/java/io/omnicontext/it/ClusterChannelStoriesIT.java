package io.omnicontext.it;

/** {@link ChannelStoriesIT}'s stories and fan-out on the local Redis Cluster (bin/infra): the same tests, cluster-backed nodes. */
class ClusterChannelStoriesIT extends ChannelStoriesIT implements Topology.OnCluster {}
