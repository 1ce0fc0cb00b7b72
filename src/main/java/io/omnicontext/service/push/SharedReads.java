package io.omnicontext.service.push;

import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Concurrent reads of the same thing share one call. After a feed reconnect every subscription of a topic
 * fills its gap, and a resume storm brings thousands of screens back at once: the log (or the context) is
 * then read once per topic and position on this node, not once per subscription, and what it decodes and
 * encodes is shared too.
 */
final class SharedReads<K, V> {
  private final Map<K, Uni<V>> inFlight = new ConcurrentHashMap<>();

  Uni<V> get(K key, Supplier<Uni<V>> read) {
    return Uni.createFrom().deferred(() -> inFlight.computeIfAbsent(key, k -> Uni.createFrom().<V>deferred(read::get)
        .onTermination().invoke(() -> inFlight.remove(k))
        .memoize().indefinitely()));
  }

  int inFlight() { return inFlight.size(); }
}
