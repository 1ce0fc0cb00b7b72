package io.omnicontext.domain;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A keyed collection of a commit's working copy that remembers which keys its Map methods touched,
 * so attention is derived again only for the items an op changed ({@link Attention.Live}). Ops change
 * keyed collections through put/remove and their kin, never through the key, value or entry views.
 */
final class TouchedMap<K, V> extends LinkedHashMap<K, V> {
  private final Set<K> touched = new LinkedHashSet<>();
  private boolean all;

  TouchedMap(Map<K, V> items) { super(items); }

  /** The keys touched since the last call (every key when the map was cleared or rewritten), then forgets them. */
  Set<K> drainTouched() {
    Set<K> out = all ? new LinkedHashSet<>(keySet()) : new LinkedHashSet<>(touched);
    if (all) out.addAll(touched);
    touched.clear();
    all = false;
    return out;
  }

  @Override public V put(K key, V value) { touched.add(key); return super.put(key, value); }
  @Override public V putIfAbsent(K key, V value) { touched.add(key); return super.putIfAbsent(key, value); }
  @Override public void putAll(Map<? extends K, ? extends V> m) { touched.addAll(m.keySet()); super.putAll(m); }
  @Override public V remove(Object key) { mark(key); return super.remove(key); }
  @Override public boolean remove(Object key, Object value) { mark(key); return super.remove(key, value); }
  @Override public V replace(K key, V value) { touched.add(key); return super.replace(key, value); }
  @Override public boolean replace(K key, V oldValue, V newValue) { touched.add(key); return super.replace(key, oldValue, newValue); }
  @Override public V computeIfAbsent(K key, Function<? super K, ? extends V> f) { touched.add(key); return super.computeIfAbsent(key, f); }
  @Override public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> f) { touched.add(key); return super.computeIfPresent(key, f); }
  @Override public V compute(K key, BiFunction<? super K, ? super V, ? extends V> f) { touched.add(key); return super.compute(key, f); }
  @Override public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> f) { touched.add(key); return super.merge(key, value, f); }

  @Override public void clear() {
    touched.addAll(keySet());
    super.clear();
  }

  @Override public void replaceAll(BiFunction<? super K, ? super V, ? extends V> f) {
    all = true;
    super.replaceAll(f);
  }

  @SuppressWarnings("unchecked")
  private void mark(Object key) {
    if (containsKey(key)) touched.add((K) key);
  }
}
