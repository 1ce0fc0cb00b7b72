package io.omnicontext.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The one clock services decide on time with (expiry, leases, due times): a test gives them a fixed or stepped one. */
public class Clocks {
  @Produces
  @Singleton
  Clock clock() { return Clock.systemUTC(); }
}
