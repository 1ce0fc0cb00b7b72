package io.omnicontext.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.port.BucketLeases;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.ContextStore;
import io.omnicontext.port.JournalOutbox;
import io.smallrye.mutiny.Uni;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The relay's order of work, on stand-in ports (no Redis, no PostgreSQL). */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class JournalRelayTests {
  private final List<String> settled = new ArrayList<>();
  private final List<String> acked = new ArrayList<>();

  /** A port whose named methods answer as given; any other call fails the test. */
  @SuppressWarnings("unchecked")
  private static <T> T fake(Class<T> port, Map<String, Function<Object[], Object>> answers) {
    return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
      Function<Object[], Object> answer = answers.get(method.getName());
      if (answer == null) throw new AssertionError("unexpected call " + port.getSimpleName() + "." + method.getName());
      return answer.apply(args);
    });
  }

  private JournalRelay relay(Uni<Void> append) {
    CustomerKey key = new CustomerKey("t-1", "c-1");
    Change change = new Change("c-1", 1, "identity.link", Map.of("type", "email", "value", "ada@example.com"), new Actor("crm", "system"),
        Instant.now(), List.of());
    JournalOutbox.Item item = new JournalOutbox.Item("7/1-0", new ChangeJournal.Entry(key, List.of(change), List.of(), null),
        new ContextStore.FollowUp("{\"claims\":1}"));
    List<JournalOutbox.Item> waiting = new ArrayList<>(List.of(item));
    JournalOutbox outbox = fake(JournalOutbox.class, Map.of(
        "take", a -> { var batch = List.copyOf(waiting); waiting.clear(); return Uni.createFrom().item(batch); },
        "ack", a -> { acked.addAll((List<String>) a[0]); return Uni.createFrom().voidItem(); },
        "lag", a -> Uni.createFrom().item(0L)));
    ContextStore store = fake(ContextStore.class, Map.of(
        "settle", a -> { settled.add(((ContextStore.FollowUp) a[0]).json()); return Uni.createFrom().voidItem(); }));
    ChangeJournal journal = fake(ChangeJournal.class, Map.of(
        "append", a -> append,
        "refusal", a -> Optional.empty(),
        "ping", a -> append));
    OmnicontextConfig.Journal journalConfig = fake(OmnicontextConfig.Journal.class, Map.of("relayBatch", a -> 100));
    OmnicontextConfig config = fake(OmnicontextConfig.class, Map.of("journal", a -> journalConfig));
    BucketLeases buckets = fake(BucketLeases.class, Map.of("node", a -> "node-1", "owned", a -> Set.of(7)));
    return new JournalRelay(outbox, store, journal, config, buckets, new LiveMetrics(new SimpleMeterRegistry(), () -> 0L));
  }

  @Test
  void follow_ups_are_settled_while_postgres_is_away_so_pending_identity_claims_do_not_expire() {
    // Defect guarded: the relay settled only after a successful append, so with PostgreSQL down longer than a
    // pending claim lives (60 s), the claim of a writer that died expired and another customer could take it.
    JournalRelay relay = relay(Uni.createFrom().failure(new IllegalStateException("Connection refused: localhost/127.0.0.1:5432")));
    relay.step().await().atMost(Duration.ofSeconds(5));
    assertEquals(List.of("{\"claims\":1}"), settled, "settled although PostgreSQL did not take the entry");
    assertEquals(List.of(), acked, "not acknowledged: the entry waits for PostgreSQL");
  }

  @Test
  void an_entry_is_acknowledged_once_settled_and_journaled() {
    JournalRelay relay = relay(Uni.createFrom().voidItem());
    relay.step().await().atMost(Duration.ofSeconds(5));
    assertEquals(1, settled.size());
    assertEquals(List.of("7/1-0"), acked);
  }
}
