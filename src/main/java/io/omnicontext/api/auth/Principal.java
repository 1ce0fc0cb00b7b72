package io.omnicontext.api.auth;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.CustomerKey;
import java.time.Instant;
import java.util.Set;

/**
 * Who calls, from a verified token: tenant, roles, channel, and for customer tokens the one customer they may read.
 * tokenId names the token for per-token limits (its jti, else a digest of it); never the token itself.
 */
public record Principal(String sub, String tenant, Set<String> groups, String channel, String customerId, Instant expiresAt,
    String tokenId) {
  public static final Set<String> ROLES = Set.of("agent", "supervisor", "integration", "customer");

  /** Staff (agent, supervisor, integration) see everything of their tenant; a customer-only token sees its public view. */
  public Audience audience() {
    return groups.contains("agent") || groups.contains("supervisor") || groups.contains("integration") ? Audience.STAFF : Audience.CUSTOMER;
  }

  public Actor actor() { return new Actor(sub, channel); }

  public CustomerKey key(String customer) { return new CustomerKey(tenant, customer); }
}
