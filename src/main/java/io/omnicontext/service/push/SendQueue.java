package io.omnicontext.service.push;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One connection's outbound queue, bounded: frames handed to the transport and not yet on the wire are
 * counted (frames and characters). A client that stops reading makes them pile up; before either bound is
 * passed the queue refuses further frames and reports the connection once, so its owner closes it and the
 * client resumes with `after` later. Memory per connection stays bounded whatever the write rate.
 */
public final class SendQueue {
  /** The bounds of one connection's queue. */
  public record Bounds(int frames, long chars) {}

  private final Bounds bounds;
  private final Consumer<String> overflowed;
  private final AtomicInteger frames = new AtomicInteger();
  private final AtomicLong chars = new AtomicLong();
  private final AtomicBoolean full = new AtomicBoolean();

  public SendQueue(Bounds bounds, Consumer<String> overflowed) {
    this.bounds = bounds;
    this.overflowed = overflowed;
  }

  /** Counts the frame in, or refuses it (and reports the overflow once) when it would pass a bound. */
  public boolean admit(String frame) {
    if (full.get()) return false;
    int f = frames.incrementAndGet();
    long c = chars.addAndGet(frame.length());
    if (f <= bounds.frames() && c <= bounds.chars()) return true;
    frames.decrementAndGet();
    chars.addAndGet(-frame.length());
    if (full.compareAndSet(false, true)) overflowed.accept(f + " frames / " + c + " chars waiting to be written");
    return false;
  }

  /** The transport finished with the frame (written or failed). */
  public void written(String frame) {
    frames.decrementAndGet();
    chars.addAndGet(-frame.length());
  }

  public int queuedFrames() { return frames.get(); }

  public boolean overflowed() { return full.get(); }
}
