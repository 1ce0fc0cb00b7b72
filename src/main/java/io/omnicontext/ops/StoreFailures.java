package io.omnicontext.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.channel.ChannelException;
import io.omnicontext.port.ChangeFeed;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.ContextStore;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.redis.client.impl.types.ErrorType;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Which failures are a store being away (unreachable, restarting, overloaded) rather than a bug, and which store:
 * the REST edge answers them 503 and the WebSocket `unavailable`, and both count them in
 * {@code omnicontext_store_errors_total}. Classified by type, anywhere in the cause chain.
 */
public final class StoreFailures {
  private StoreFailures() {}

  /** A store that is unreachable, restarting or overloaded (or a lost race that never settled): the client retries. */
  public static boolean isStoreDown(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ContextStore.VersionMoved || c instanceof ChangeFeed.Down // ours: the ports' own failures
          || isSocketFailure(c) || c instanceof ChannelException
          || c instanceof TimeoutException // sockets: refused, reset, closed, timed out (Redis and PostgreSQL alike)
          || c instanceof VertxException || c instanceof NoStackTraceThrowable // Vert.x: connection closed, pool exhausted
          || c instanceof ErrorType) return true; // a Redis error reply: LOADING, READONLY, OOM, MASTERDOWN, ...
    }
    return false;
  }

  /**
   * The store a store-down failure came from, to count it; empty when it is not one, or is a lost race (a store
   * that answered). PostgreSQL when the journal's port failed the call ({@link ChangeJournal.Failed} in the
   * chain), else Redis: every other store call is a Redis call.
   */
  public static Optional<LiveMetrics.Store> storeDown(Throwable t) {
    if (!isStoreDown(t)) return Optional.empty();
    boolean postgres = false;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ContextStore.VersionMoved) return Optional.empty();
      postgres |= c instanceof ChangeJournal.Failed;
    }
    return Optional.of(postgres ? LiveMetrics.Store.POSTGRES : LiveMetrics.Store.REDIS);
  }

  /**
   * A socket's failure: refused, reset by the peer (a Redis master killed mid-request), closed. Netty reports a reset
   * as a bare IOException (or its native transport's subclass), so any IOException counts, except a JSON parser's.
   */
  private static boolean isSocketFailure(Throwable t) {
    return t instanceof IOException && !(t instanceof JsonProcessingException);
  }
}
