package io.omnicontext.api.limits;

import io.omnicontext.api.auth.Principal;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Audience;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-token counters of omnicontext.limits.*, on this node: REST writes, WebSocket frames over all of a token's
 * connections, open streams (WebSocket connections and SSE streams). Buckets that filled up again are dropped every minute, so memory follows the
 * callers active now. (Per-connection frame rates live with the connection.)
 */
@ApplicationScoped
public class RateLimits {
  private final OmnicontextConfig.Limits limits;
  private final Map<String, TokenBucket> restWrites = new ConcurrentHashMap<>();
  private final Map<String, TokenBucket> wsFrames = new ConcurrentHashMap<>();
  private final Map<String, Integer> connections = new ConcurrentHashMap<>();

  public RateLimits(OmnicontextConfig config) { this.limits = config.limits(); }

  /** Zero when this token may write now, else how long until it may. */
  public Duration restWrite(Principal p) {
    var rest = limits.rest();
    boolean customer = p.audience() == Audience.CUSTOMER;
    TokenBucket bucket = restWrites.computeIfAbsent(p.tokenId(), id -> customer
        ? new TokenBucket(rest.customerWritesPerSecond(), rest.customerWriteBurst(), System.nanoTime())
        : new TokenBucket(rest.staffWritesPerSecond(), rest.staffWriteBurst(), System.nanoTime()));
    return Duration.ofNanos(bucket.take(System.nanoTime()));
  }

  /** Whether this token may send one more WebSocket frame now (over all its connections). */
  public boolean wsFrame(Principal p) {
    var ws = limits.ws();
    return wsFrames.computeIfAbsent(p.tokenId(), id -> new TokenBucket(ws.tokenMessagesPerSecond(), ws.tokenMessageBurst(), System.nanoTime()))
        .take(System.nanoTime()) == 0;
  }

  /** A bucket for one connection's frames. */
  public TokenBucket connectionFrames() {
    return new TokenBucket(limits.ws().messagesPerSecond(), limits.ws().messageBurst(), System.nanoTime());
  }

  /** How many rate_limited answers a connection collects (refilling one a second) before it is closed. */
  public TokenBucket connectionRefusals() { return new TokenBucket(1, limits.ws().refusalsBeforeClose(), System.nanoTime()); }

  public int maxSubscriptions() { return limits.ws().maxSubscriptions(); }

  /** What a client waits before it opens a stream again when its token holds as many as allowed. */
  public static final Duration STREAM_RETRY_AFTER = Duration.ofSeconds(5);

  /**
   * Counts a new stream of the token (a WebSocket connection or an SSE stream: they share the limit); false (and
   * nothing counted) when it already holds as many as allowed.
   */
  public boolean connectionOpened(Principal p) {
    int max = limits.ws().connectionsPerToken();
    boolean[] counted = {false};
    connections.compute(p.tokenId(), (id, open) -> {
      int now = open == null ? 0 : open;
      if (now >= max) return open;
      counted[0] = true;
      return now + 1;
    });
    return counted[0];
  }

  /** The other half of a {@link #connectionOpened} that answered true. */
  public void connectionClosed(Principal p) { connections.computeIfPresent(p.tokenId(), (id, open) -> open <= 1 ? null : open - 1); }

  /** Plain map work, a few microseconds: on the scheduler's own thread. */
  @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void purge() {
    long now = System.nanoTime();
    restWrites.values().removeIf(b -> b.full(now));
    wsFrames.values().removeIf(b -> b.full(now));
  }

  /** A request refused by a per-token limit: 429 rate_limited, with how long to wait (Retry-After). */
  public static final class Exceeded extends RuntimeException {
    private final Duration retryAfter;

    public Exceeded(String detail, Duration retryAfter) {
      super(detail, null, false, false);
      this.retryAfter = retryAfter;
    }

    /** Whole seconds, at least 1, as the Retry-After header gives them. */
    public long retryAfterSeconds() { return Math.max(1, (retryAfter.toMillis() + 999) / 1000); }
  }
}
