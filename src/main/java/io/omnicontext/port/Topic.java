package io.omnicontext.port;

import io.omnicontext.domain.CustomerKey;

/** A fan-out topic: one customer's changes, or one team's hand-off feed, always within one tenant. */
public record Topic(String tenant, String name, boolean team) {
  public static Topic customer(CustomerKey key) { return new Topic(key.tenant(), key.customerId(), false); }
  public static Topic team(String tenant, String team) { return new Topic(tenant, team, true); }
  public CustomerKey customerKey() { return new CustomerKey(tenant, name); }
}
