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

/** {@link JournalOutbox} as one Redis stream with a consumer group: entries are acknowledged and deleted once journaled. */
@ApplicationScoped
public class RedisJournalOutbox implements JournalOutbox {
  /** An entry a node took and did not acknowledge for this long is handed to another node. */
  private static final Duration ABANDONED = Duration.ofSeconds(15);

  private final ReactiveStreamCommands<String, String, String> streams;
  private final RedisContextStore codec;
  private volatile boolean groupReady;

  public RedisJournalOutbox(ReactiveRedisDataSource redis, RedisContextStore codec) {
    this.streams = redis.stream(String.class, String.class, String.class);
    this.codec = codec;
  }

  @Override
  public Uni<List<Item>> take(String node, int max) {
    return ensureGroup()
        .chain(() -> streams.xautoclaim(RedisKeys.OUTBOX, RedisKeys.JOURNAL_GROUP, node, ABANDONED, "0-0", max))
        .chain(claimed -> claimed.getMessages().isEmpty()
            ? streams.xreadgroup(RedisKeys.JOURNAL_GROUP, node, RedisKeys.OUTBOX, ">", new XReadGroupArgs().count(max))
            : Uni.createFrom().item(claimed.getMessages()))
        .onFailure(e -> e.getMessage() != null && e.getMessage().contains("NOGROUP")).invoke(e -> groupReady = false) // Redis came back empty
        .map(this::items);
  }

  @Override
  public Uni<Void> ack(List<String> ids) {
    if (ids.isEmpty()) return Uni.createFrom().voidItem();
    String[] a = ids.toArray(String[]::new);
    return streams.xack(RedisKeys.OUTBOX, RedisKeys.JOURNAL_GROUP, a).chain(() -> streams.xdel(RedisKeys.OUTBOX, a)).replaceWithVoid();
  }

  @Override
  public Uni<Long> lag() { return streams.xlen(RedisKeys.OUTBOX); }

  /** The group is created once per Redis keyspace; a Redis that came back empty needs it again. */
  private Uni<Void> ensureGroup() {
    if (groupReady) return Uni.createFrom().voidItem();
    return streams.xgroupCreate(RedisKeys.OUTBOX, RedisKeys.JOURNAL_GROUP, "0", new XGroupCreateArgs().mkstream())
        .onFailure(e -> e.getMessage() != null && e.getMessage().contains("BUSYGROUP")).recoverWithNull()
        .invoke(() -> groupReady = true);
  }

  private List<Item> items(List<StreamMessage<String, String, String>> messages) {
    List<Item> out = new ArrayList<>(messages.size());
    for (var m : messages) {
      OutboxEntry e = codec.read(m.payload().get("e"), OutboxEntry.class);
      List<Change> changes = e.changes().stream().map(c -> codec.read(c, Change.class)).toList();
      CustomerContext snap = e.snapshot() == null ? null : codec.read(e.snapshot(), CustomerContext.class);
      out.add(new Item(m.id(), new ChangeJournal.Entry(new CustomerKey(e.tenant(), e.customerId()), changes, e.linked(), snap)));
    }
    return out;
  }
}
