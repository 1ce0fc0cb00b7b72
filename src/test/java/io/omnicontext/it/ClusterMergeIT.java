package io.omnicontext.it;

import io.omnicontext.adapter.redis.HashSlot;

/**
 * {@link MergeIT} on the local Redis Cluster: the survivor and the duplicate are served by different masters, so the
 * merge's locks (one per customer slot) and the identity's adoption (its own slot, a third key) cross nodes.
 */
class ClusterMergeIT extends MergeIT implements Topology.OnCluster {
  @Override
  String apart(String tenant, String other, String prefix) {
    int master = masterOf(tenant, other);
    for (int i = 0; i < 1_000; i++) {
      String id = super.apart(tenant, other, prefix);
      if (masterOf(tenant, id) != master) return id;
    }
    throw new IllegalStateException("no id on another master than " + master);
  }

  /** The port of the master serving the slot of a customer's keys (tagged by bucket), read from CLUSTER NODES. */
  private static int masterOf(String tenant, String customer) {
    int slot = HashSlot.of("oc:{b" + bucket(tenant, customer) + "}");
    String nodes = Infra.clusterCli(Infra.clusterMasters().get(0), "CLUSTER", "NODES");
    for (String line : nodes.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) continue;
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) continue; // a slot being migrated
        String[] range = f[i].split("-");
        int from = Integer.parseInt(range[0]), to = Integer.parseInt(range[range.length - 1]);
        if (slot >= from && slot <= to) return Integer.parseInt(f[1].replaceAll(".*:|@.*", ""));
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }
}
