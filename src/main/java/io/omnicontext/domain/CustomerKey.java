package io.omnicontext.domain;

import java.util.regex.Pattern;

/** One customer of one tenant: the unit of versioning, storage and fan-out. */
public record CustomerKey(String tenant, String customerId) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._@+:-]{1,128}");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public CustomerKey {
    if (!isTenant(tenant)) throw Refusal.badRequest("tenant must match " + TENANT.pattern());
    if (!isCustomerId(customerId)) throw Refusal.badRequest("customerId must match " + ID.pattern());
  }

  public static boolean isTenant(String s) { return s != null && TENANT.matcher(s).matches(); }
  public static boolean isCustomerId(String s) { return s != null && ID.matcher(s).matches(); }

  @Override public String toString() { return tenant + "/" + customerId; }
}
