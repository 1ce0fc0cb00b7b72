package io.omnicontext.service;

import io.omnicontext.config.LogSafe;
import io.omnicontext.ops.LiveMetrics;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.port.BucketLeases;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.JournalOutbox;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves committed changes from the Redis outbox into the PostgreSQL journal, each node from the buckets it holds
 * ({@link BucketLeases}), at least once: an entry is acknowledged only after its rows committed, and inserts ignore
 * rows already there. A step drains its buckets batch by batch (the scheduler wakes it at most once a second).
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
  private final BucketLeases buckets;
  private final AtomicLong lag = new AtomicLong();
  private final LiveMetrics metrics;
  private static final long PING_EVERY_NANOS = 2_000_000_000L;
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(15);
  /** The lag is one XLEN per bucket: measured every few seconds, not at every step. */
  private static final long LAG_EVERY_NANOS = 3_000_000_000L;
  /** Batches one step moves at most before it lets the lag be measured and the next step begin. */
  private static final int BATCHES_PER_STEP = 50;
  private volatile boolean postgresUp = true;
  /** When PostgreSQL last answered or failed to (any call, not only the ping). */
  private volatile long lastLook = System.nanoTime() - PING_EVERY_NANOS;
  private volatile long lastLag = System.nanoTime() - LAG_EVERY_NANOS;
  private volatile String lastError;
  private final StepFailures failures = new StepFailures("journal relay");

  public JournalRelay(JournalOutbox outbox, io.omnicontext.port.ContextStore store, ChangeJournal journal, OmnicontextConfig config,
      BucketLeases buckets, LiveMetrics metrics) {
    this.store = store;
    this.outbox = outbox;
    this.journal = journal;
    this.config = config;
    this.buckets = buckets;
    this.metrics = metrics;
  }

  void start(@Observes StartupEvent e) {
    config.journal().mode(); // a misspelt omnicontext.journal.durability stops the start here, in one line
  }

  /** Commits waiting to be journaled, as last measured. */
  public long lag() { return lag.get(); }

  /** Whether the last attempt to reach PostgreSQL worked. */
  public boolean postgresUp() { return postgresUp; }

  /**
   * Whether PostgreSQL answers, as of at most {@link #PING_EVERY_NANOS} ago: the relay's own last look when it is
   * fresh, else a ping now (bounded by {@code deadline}; no answer in time counts as down). Readiness asks this, so
   * it turns within seconds even when the relay's step is busy with a long batch or a slow Redis.
   */
  public Uni<Boolean> postgresNow(Duration deadline) {
    if (System.nanoTime() - lastLook < PING_EVERY_NANOS) return Uni.createFrom().item(postgresUp);
    return postgres(journal.ping(), deadline).map(x -> true).onFailure().recoverWithItem(false);
  }

  public String lastError() { return lastError; }

  /**
   * One step: batches until the held buckets are drained (or for a while), then the lag now and then. A step that
   * fails (PostgreSQL or Redis away) counts as a relay error, like an entry set aside.
   */
  @Scheduled(every = "${omnicontext.journal.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> step() {
    return failures.watch(batches(BATCHES_PER_STEP).chain(this::measureLagNowAndThen).onFailure().invoke(metrics::relayError));
  }

  /** Take a batch, journal it, acknowledge it; again while batches come full. A Redis failure here says nothing about PostgreSQL. */
  private Uni<Void> batches(int left) {
    int max = config.journal().relayBatch();
    return outbox.take(buckets.node(), buckets.owned(), max)
        .chain(items -> items.isEmpty() ? pingNowAndThen().replaceWith(false) : relay(items).replaceWith(items.size() >= max))
        .chain(full -> full && left > 1 ? batches(left - 1) : Uni.createFrom().voidItem());
  }

  /** Every few seconds: the lag over all buckets (readiness and the gauge share it across nodes). */
  private Uni<Void> measureLagNowAndThen() {
    long now = System.nanoTime();
    if (now - lastLag < LAG_EVERY_NANOS) return Uni.createFrom().voidItem();
    lastLag = now;
    return outbox.lag().invoke(lag::set).replaceWithVoid();
  }

  /**
   * The batch's follow-ups settled first, whether PostgreSQL answers or not (a pending identity claim must not expire
   * while PostgreSQL is away), then the batch in one transaction; when PostgreSQL refuses its data, entry by entry.
   */
  private Uni<Void> relay(List<JournalOutbox.Item> items) {
    return settled(items).chain(settled -> postgres(journal.append(items.stream().map(JournalOutbox.Item::entry).toList()))
            .chain(() -> outbox.ack(settled.stream().map(JournalOutbox.Item::id).toList())))
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

  /** While idle, PostgreSQL is asked whether it is there when nothing else reached it for a few seconds (readiness). */
  private Uni<Void> pingNowAndThen() {
    if (postgresUp && System.nanoTime() - lastLook < PING_EVERY_NANOS) return Uni.createFrom().voidItem();
    return postgres(journal.ping());
  }

  private Uni<Void> postgres(Uni<Void> call) { return postgres(call, CALL_DEADLINE); }

  /**
   * A call to PostgreSQL, whose outcome is what readiness reports: a refusal of the data is an answer, PostgreSQL is
   * up. Bounded, so a connection that hangs cannot stall the relay (its steps never overlap): a batch that did commit
   * after all is appended again later, and inserts ignore rows already there.
   */
  private Uni<Void> postgres(Uni<Void> call, Duration deadline) {
    return call.ifNoItem().after(deadline).failWith(() -> new TimeoutException(
            "PostgreSQL did not answer within " + deadline.toMillis() + " ms"))
        .invoke(this::up).onFailure().invoke(err -> {
      if (refused(err)) up();
      else down(err);
    });
  }

  private void up() {
    lastLook = System.nanoTime();
    if (!postgresUp) Log.info("journal: PostgreSQL answers again; catching up");
    postgresUp = true;
    lastError = null;
  }

  private void down(Throwable err) {
    lastLook = System.nanoTime();
    metrics.storeError(LiveMetrics.Store.POSTGRES);
    if (postgresUp) Log.errorf("journal: cannot journal now (%s); the outbox keeps the changes", LogSafe.failure(err));
    postgresUp = false;
    lastError = LogSafe.failure(err); // a driver message may quote the rows it was sent
    measureLagNowAndThen().subscribe().with(x -> {}, x -> {});
  }
}
