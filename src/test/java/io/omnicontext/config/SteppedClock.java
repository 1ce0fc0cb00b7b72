package io.omnicontext.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test moves by hand, so time-driven code is checked without sleeping. */
public final class SteppedClock extends Clock {
  private volatile Instant now;

  public SteppedClock(Instant start) { this.now = start; }

  public void step(Duration d) { now = now.plus(d); }

  @Override public Instant instant() { return now; }
  @Override public ZoneId getZone() { return ZoneOffset.UTC; }
  @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException("UTC only"); }
}
