package io.omnicontext.service;

import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.JournalOutbox;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves committed changes from the Redis outbox into the PostgreSQL journal on every node, at least
 * once: an entry is acknowledged only after its rows committed, and inserts ignore rows already there.
 * In `redis` durability this is the journal; in `journal` durability it catches what a writer could
 * not journal itself (PostgreSQL away, the writer died). Publishes the lag as a gauge and for readiness.
 * It never stalls on one entry: when PostgreSQL refuses a batch's data, the batch goes entry by entry
 * and an entry refused for good is set aside (dead letter, counter, ERROR log), so the rest flow on.
 */
@ApplicationScoped
public class JournalRelay {
  private final JournalOutbox outbox;
  private final io.omnicontext.port.ContextStore store;
  private final ChangeJournal journal;
  private final OmnicontextConfig config;
  private final Vertx vertx;
  private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong lag = new AtomicLong();
  private final LiveMetrics metrics;
  private static final long PING_EVERY_NANOS = 2_000_000_000L;
  private volatile boolean postgresUp = true;
  private volatile long lastPing;
  private volatile String lastError;
  private Periodic steps;

  public JournalRelay(JournalOutbox outbox, io.omnicontext.port.ContextStore store, ChangeJournal journal, OmnicontextConfig config, Vertx vertx,
      LiveMetrics metrics) {
    this.store = store;
    this.outbox = outbox;
    this.journal = journal;
    this.config = config;
    this.vertx = vertx;
    this.metrics = metrics;
  }

  void start(@Observes StartupEvent e) {
    config.journal().mode(); // a misspelt omnicontext.journal.durability stops the start here, in one line
    steps = Periodic.every(vertx, config.journal().relayInterval(), "journal relay", this::step);
  }

  void stop(@Observes ShutdownEvent e) {
    if (steps != null) steps.cancel();
  }

  /** Commits waiting to be journaled, as last measured. */
  public long lag() { return lag.get(); }

  /** Whether the last attempt to reach PostgreSQL worked. */
  public boolean postgresUp() { return postgresUp; }

  public String lastError() { return lastError; }

  /** One step: take a batch, journal it, acknowledge it. A Redis failure here says nothing about PostgreSQL. */
  Uni<Void> step() {
    return outbox.take(node, config.journal().relayBatch())
        .chain(items -> items.isEmpty() ? pingNowAndThen() : relay(items))
        .chain(outbox::lag)
        .invoke(lag::set)
        .replaceWithVoid();
  }

  /** The batch in one transaction; when PostgreSQL refuses its data, entry by entry. */
  private Uni<Void> relay(List<JournalOutbox.Item> items) {
    return postgres(journal.append(items.stream().map(JournalOutbox.Item::entry).toList()))
        .chain(() -> settled(items))
        .chain(settled -> outbox.ack(settled.stream().map(JournalOutbox.Item::id).toList()))
        .onFailure(this::refused).recoverWithUni(() -> oneByOne(items));
  }

  /**
   * The items whose commit follow-up (identity claims, team feeds: other Redis slots) is settled, settling each
   * again (idempotent: the writer usually did); one that cannot be settled now stays in the outbox for a later step.
   */
  private Uni<List<JournalOutbox.Item>> settled(List<JournalOutbox.Item> items) {
    List<JournalOutbox.Item> done = new java.util.ArrayList<>();
    Uni<Void> all = Uni.createFrom().voidItem();
    for (JournalOutbox.Item item : items) {
      all = all.chain(() -> (item.followUp() == null ? Uni.createFrom().voidItem() : store.settle(item.followUp()))
          .invoke(() -> done.add(item))
          .onFailure().invoke(e -> Log.warnf("journal relay: commit follow-up not settled yet tenant=%s customer=%s: %s",
              item.entry().key().tenant(), item.entry().key().customerId(), e.getMessage()))
          .onFailure().recoverWithNull());
    }
    return all.map(x -> done);
  }

  /** In order; an entry that fails for another reason (PostgreSQL gone) stops here and stays for the next step. */
  private Uni<Void> oneByOne(List<JournalOutbox.Item> items) {
    Uni<Void> all = Uni.createFrom().voidItem();
    for (JournalOutbox.Item item : items) all = all.chain(() -> alone(item));
    return all;
  }

  private Uni<Void> alone(JournalOutbox.Item item) {
    return postgres(journal.append(List.of(item.entry())))
        .onFailure(this::refused).recoverWithUni(err -> setAside(item.entry(), journal.refusal(err).orElseThrow()))
        .chain(() -> settled(List.of(item)))
        .chain(settled -> outbox.ack(settled.stream().map(JournalOutbox.Item::id).toList()));
  }

  private Uni<Void> setAside(ChangeJournal.Entry entry, ChangeJournal.Refused why) {
    var changes = entry.changes();
    return postgres(journal.setAside(entry, why)).invoke(() -> {
      metrics.relayError();
      // The code only: PostgreSQL's message may quote a value; the dead letter row keeps it.
      Log.errorf("journal: PostgreSQL refused an outbox entry (%s); set aside in journal_dead_letter tenant=%s customer=%s v=%d..%d",
          why.code(), entry.key().tenant(), entry.key().customerId(), changes.get(0).version(), changes.get(changes.size() - 1).version());
    });
  }

  private boolean refused(Throwable err) { return journal.refusal(err).isPresent(); }

  /** While idle, PostgreSQL is asked every few seconds whether it is there (readiness), not at every step. */
  private Uni<Void> pingNowAndThen() {
    long now = System.nanoTime();
    if (postgresUp && now - lastPing < PING_EVERY_NANOS) return Uni.createFrom().voidItem();
    lastPing = now;
    return postgres(journal.ping());
  }

  /** A call to PostgreSQL, whose outcome is what readiness reports: a refusal of the data is an answer, PostgreSQL is up. */
  private Uni<Void> postgres(Uni<Void> call) {
    return call.invoke(this::up).onFailure().invoke(err -> {
      if (refused(err)) up();
      else down(err);
    });
  }

  private void up() {
    if (!postgresUp) Log.info("journal: PostgreSQL answers again; catching up");
    postgresUp = true;
    lastError = null;
  }

  private void down(Throwable err) {
    metrics.storeError(LiveMetrics.Store.POSTGRES);
    if (postgresUp) Log.errorf("journal: cannot journal now (%s); the outbox keeps the changes", err.getMessage());
    postgresUp = false;
    lastError = String.valueOf(err.getMessage());
    outbox.lag().subscribe().with(lag::set, x -> {});
  }
}
