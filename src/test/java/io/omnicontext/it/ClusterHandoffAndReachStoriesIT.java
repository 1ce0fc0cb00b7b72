package io.omnicontext.it;

/** {@link HandoffAndReachStoriesIT}'s hand-offs, team feeds and reach on the local Redis Cluster: team keys live in slots of their own. */
class ClusterHandoffAndReachStoriesIT extends HandoffAndReachStoriesIT implements Topology.OnCluster {}
