package io.omnicontext.adapter.redis;

import io.omnicontext.config.OmnicontextConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How this node reaches Redis, from the Quarkus client's own configuration: standalone (the default) or
 * cluster (`quarkus.redis.client-type=cluster`, seeds in `quarkus.redis.hosts`), and which pub/sub flavour
 * carries the change feed: sharded (SSUBSCRIBE/SPUBLISH, a message reaches only its slot's shard) on a
 * cluster, classic otherwise, unless `omnicontext.redis.sharded-pubsub` says otherwise.
 */
@ApplicationScoped
public class RedisTopology {
  private final boolean cluster;
  private final boolean sharded;
  private final List<String> hosts;

  public RedisTopology(@ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType,
      @ConfigProperty(name = "quarkus.redis.hosts") String hosts,
      OmnicontextConfig config) {
    this.cluster = "cluster".equalsIgnoreCase(clientType.trim());
    this.sharded = config.redis().shardedPubsub().orElse(cluster);
    this.hosts = Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
  }

  public boolean cluster() { return cluster; }

  /** Whether changes are published with SPUBLISH and followed with SSUBSCRIBE. */
  public boolean shardedPubSub() { return sharded; }

  /** The configured endpoints (the one server, or the cluster's seeds). */
  public List<String> hosts() { return hosts; }
}
