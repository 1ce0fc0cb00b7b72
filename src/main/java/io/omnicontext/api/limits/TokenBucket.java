package io.omnicontext.api.limits;

/**
 * A token bucket: holds up to {@code burst} tokens, refilled at {@code perSecond}; each event takes one. Thread-safe.
 * Time is passed in (nanoseconds from {@link System#nanoTime()}), so tests need no clock.
 */
public final class TokenBucket {
  private final double perNano;
  private final double capacity;
  private double tokens;
  private long last;

  public TokenBucket(double perSecond, int burst, long now) {
    if (perSecond <= 0 || burst < 1) throw new IllegalArgumentException("a rate > 0 and a burst >= 1 are needed");
    this.perNano = perSecond / 1e9;
    this.capacity = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token: 0 when there was one, else the nanoseconds until there will be one (nothing is taken). */
  public synchronized long take(long now) {
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) / perNano);
  }

  /** A full bucket remembers nothing a fresh one would not: it may be dropped. */
  public synchronized boolean full(long now) {
    refill(now);
    return tokens >= capacity;
  }

  private void refill(long now) {
    if (now > last) {
      tokens = Math.min(capacity, tokens + (now - last) * perNano);
      last = now;
    }
  }
}
