package io.omnicontext.api.auth;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.CustomerKey;
import java.time.Instant;
import java.util.Set;

/** Who calls, from a verified token: tenant, roles, channel, and for customer tokens the one customer they may read. */
public record Principal(String sub, String tenant, Set<String> groups, String channel, String customerId, Instant expiresAt) {
  public static final Set<String> ROLES = Set.of("agent", "supervisor", "integration", "customer");

  /** Staff (agent, supervisor, integration) see everything of their tenant; a customer-only token sees its public view. */
  public Audience audience() {
    return groups.contains("agent") || groups.contains("supervisor") || groups.contains("integration") ? Audience.STAFF : Audience.CUSTOMER;
  }

  public boolean mayRead(String customer) {
    return audience() == Audience.STAFF || customer.equals(customerId);
  }

  /** Agents, supervisors and integrations: team feeds and reach subscriptions are theirs. */
  public boolean isStaff() { return audience() == Audience.STAFF; }

  public boolean mayErase() { return groups.contains("supervisor") || groups.contains("integration"); }

  public Actor actor() { return new Actor(sub, channel); }

  public CustomerKey key(String customer) { return new CustomerKey(tenant, customer); }
}
