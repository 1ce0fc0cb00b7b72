package io.omnicontext.adapter.redis;

import io.omnicontext.adapter.redis.RedisContextStore.OutboxEntry;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.JournalOutbox;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link JournalOutbox} as one Redis stream per bucket ({@link RedisKeys#outbox(int)}, in the slot of its customers, so the
 * commit script adds to it atomically), each with a consumer group: entries are acknowledged and deleted once journaled.
 * An item's id is "bucket/stream id".
 */
@ApplicationScoped
public class RedisJournalOutbox implements JournalOutbox {
  /** An entry a node took and did not acknowledge for this long is handed to another node. */
  private static final Duration ABANDONED = Duration.ofSeconds(15);

  private final ReactiveStreamCommands<String, String, String> streams;
  private final RedisContextStore codec;
  private final java.util.Set<Integer> groupsReady = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public RedisJournalOutbox(ReactiveRedisDataSource redis, RedisContextStore codec) {
    this.streams = redis.stream(String.class, String.class, String.class);
    this.codec = codec;
  }

  @Override
  public Uni<List<Item>> take(String node, int max) { return takeFrom(0, node, max, new ArrayList<>()); }

  /** Bucket by bucket until max items are taken. */
  private Uni<List<Item>> takeFrom(int bucket, String node, int max, List<Item> taken) {
    if (bucket >= RedisKeys.BUCKETS || taken.size() >= max) return Uni.createFrom().item(taken);
    return take(bucket, node, max - taken.size()).chain(items -> {
      taken.addAll(items);
      return takeFrom(bucket + 1, node, max, taken);
    });
  }

  private Uni<List<Item>> take(int bucket, String node, int max) {
    String stream = RedisKeys.outbox(bucket);
    return ensureGroup(bucket)
        .chain(() -> streams.xautoclaim(stream, RedisKeys.JOURNAL_GROUP, node, ABANDONED, "0-0", max))
        .chain(claimed -> claimed.getMessages().isEmpty()
            ? streams.xreadgroup(RedisKeys.JOURNAL_GROUP, node, stream, ">", new XReadGroupArgs().count(max))
            : Uni.createFrom().item(claimed.getMessages()))
        .onFailure(e -> e.getMessage() != null && e.getMessage().contains("NOGROUP")).invoke(e -> groupsReady.remove(bucket)) // Redis came back empty
        .map(messages -> items(bucket, messages));
  }

  @Override
  public Uni<Void> ack(List<String> ids) {
    if (ids.isEmpty()) return Uni.createFrom().voidItem();
    java.util.Map<Integer, List<String>> byBucket = new java.util.HashMap<>();
    for (String id : ids) {
      int slash = id.indexOf('/');
      byBucket.computeIfAbsent(Integer.parseInt(id.substring(0, slash)), b -> new ArrayList<>()).add(id.substring(slash + 1));
    }
    return Uni.join().all(byBucket.entrySet().stream().map(e -> {
      String stream = RedisKeys.outbox(e.getKey());
      String[] a = e.getValue().toArray(String[]::new);
      return streams.xack(stream, RedisKeys.JOURNAL_GROUP, a).chain(() -> streams.xdel(stream, a)).replaceWithVoid();
    }).toList()).andFailFast().replaceWithVoid();
  }

  @Override
  public Uni<Long> lag() {
    List<Uni<Long>> lengths = new ArrayList<>();
    for (int b = 0; b < RedisKeys.BUCKETS; b++) lengths.add(streams.xlen(RedisKeys.outbox(b)));
    return Uni.join().all(lengths).andFailFast().map(all -> all.stream().mapToLong(Long::longValue).sum());
  }

  /** The group is created once per bucket and Redis keyspace; a Redis that came back empty needs it again. */
  private Uni<Void> ensureGroup(int bucket) {
    if (groupsReady.contains(bucket)) return Uni.createFrom().voidItem();
    return streams.xgroupCreate(RedisKeys.outbox(bucket), RedisKeys.JOURNAL_GROUP, "0", new XGroupCreateArgs().mkstream())
        .onFailure(e -> e.getMessage() != null && e.getMessage().contains("BUSYGROUP")).recoverWithNull()
        .invoke(() -> groupsReady.add(bucket));
  }

  private List<Item> items(int bucket, List<StreamMessage<String, String, String>> messages) {
    List<Item> out = new ArrayList<>(messages.size());
    for (var m : messages) {
      OutboxEntry e = codec.read(m.payload().get("e"), OutboxEntry.class);
      List<Change> changes = e.changes().stream().map(c -> codec.read(c, Change.class)).toList();
      CustomerContext snap = e.snapshot() == null ? null : codec.read(e.snapshot(), CustomerContext.class);
      out.add(new Item(bucket + "/" + m.id(), new ChangeJournal.Entry(new CustomerKey(e.tenant(), e.customerId()), changes, e.linked(), snap),
          e.followUp() == null ? null : new io.omnicontext.port.ContextStore.FollowUp(e.followUp())));
    }
    return out;
  }
}
