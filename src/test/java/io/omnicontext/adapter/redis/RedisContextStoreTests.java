package io.omnicontext.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.ContextRules;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.OpParser;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.ContextStore;
import io.omnicontext.port.IdempotencyStore;
import io.omnicontext.port.ContextStore.Loaded;
import io.omnicontext.port.TeamFeed;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** What the Redis store promises, against the real Redis bin/test started (its test database). */
@QuarkusTest
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RedisContextStoreTests {
  private static final Actor AGENT = new Actor("agent-1", "voice");

  @Inject RedisContextStore store;
  @Inject RedisTeamFeed teams;
  @Inject RedisJournalOutbox outbox;
  @Inject io.quarkus.redis.datasource.ReactiveRedisDataSource redis;

  private final CustomerKey key = new CustomerKey("t-" + UUID.randomUUID().toString().substring(0, 8), "c-1");

  private static <T> T await(Uni<T> uni) { return uni.await().atMost(Duration.ofSeconds(5)); }

  private static Commit commitOf(CustomerContext from, Map<String, Object> op) {
    return ContextRules.commit(from, OpParser.parse(List.of(op)), AGENT, Instant.now());
  }

  private static Map<String, Object> handoffTo(String team) {
    return Map.of("op", "handoff.create", "handoffId", "h-1", "kind", "reservation", "ref", "r-sofa", "fromChannel", "chat",
        "toTeam", team, "dueBy", Instant.now().plusSeconds(3600).toString(), "note", "Green sofa");
  }

  private static Map<String, Object> set(String k, Object v) { return Map.of("op", "profile.set", "fields", Map.of(k, v)); }

  private Loaded loaded() { return await(store.load(key)); }

  private static String newTeam() { return "store:branch-" + UUID.randomUUID().toString().substring(0, 6); }

  /** Commits the hand-off h-1 to {@code team}; answers the commit. */
  private Commit handOffTo(String team) {
    Loaded start = loaded();
    Commit created = commitOf(start.context(), handoffTo(team));
    await(commit(key, created, null, start.runId(), false));
    return created;
  }

  /** The store tablet accepts the hand-off h-1 that {@code created} made. */
  private static Commit accept(Commit created) {
    return ContextRules.commit(created.after(), OpParser.parse(List.of(Map.of("op", "handoff.accept", "handoffId", "h-1"))),
        new Actor("tablet-1", "store"), Instant.now());
  }

  /** A commit whose linked identities the journal holds nobody for (what the service passes after asking it). */
  private Uni<ContextStore.Committed> commit(CustomerKey k, Commit c, IdempotencyStore.Record idempotency, String runId, boolean snapshot) {
    Map<ChangeJournal.Identity, Optional<String>> none = new java.util.HashMap<>();
    c.linked().forEach(i -> none.put(new ChangeJournal.Identity(i.type(), i.value()), Optional.empty()));
    return store.commit(k, c, idempotency, runId, snapshot, none);
  }

  @Test
  void an_identity_key_redis_lost_is_claimed_only_against_the_journal_whose_holder_refuses_another_customer() {
    String email = UUID.randomUUID() + "@example.com";
    Map<String, Object> link = Map.of("op", "identity.link", "type", "email", "value", email);
    Loaded start = loaded();
    var unchecked = assertThrows(ContextStore.IdentitiesUnchecked.class,
        () -> await(store.commit(key, commitOf(start.context(), link), null, start.runId(), false, Map.of())));
    assertEquals(List.of(new ChangeJournal.Identity("email", email)), unchecked.identities(), "a missing key: ask the journal first");
    assertEquals(0, loaded().context().version(), "nothing committed");
    Refusal r = assertThrows(Refusal.class, () -> await(store.commit(key, commitOf(start.context(), link), null, start.runId(), false,
        Map.of(new ChangeJournal.Identity("email", email), Optional.of("c-9")))));
    assertEquals(Reason.IDENTITY_TAKEN, r.reason());
    assertEquals("c-9", r.extra().get("customerId"), "the journal's holder keeps it");
  }

  @Test
  void a_commit_is_stored_with_its_version_and_change_log() {
    Loaded empty = loaded();
    assertEquals(0, empty.context().version());
    assertFalse(empty.verified(), "an unknown customer is not checked against the journal yet");
    ContextStore.Committed committed = await(commit(key, commitOf(empty.context(), set("name", "Ada")), null, empty.runId(), false));
    assertTrue(committed.settled());
    await(outbox.ack(List.of(committed.outboxId()))); // the writer's ack in journal durability takes the id as answered
    String[] id = committed.outboxId().split("/", 2);
    assertEquals(Integer.toString(RedisKeys.bucket(key)), id[0], "the entry is in the customer's bucket");
    assertEquals(0, await(redis.execute("XRANGE", RedisKeys.outbox(key), id[1], id[1])).size(), "acknowledged entries leave the outbox");

    Loaded after = loaded();
    assertEquals(1, after.context().version());
    assertEquals("Ada", after.context().profile().get("name"));
    assertTrue(after.verified(), "a commit marks the context as checked under this Redis run");
    ContextStore.Window log = await(store.changesAfter(key, 0, 10));
    assertTrue(log.complete());
    assertEquals(List.of(1L), log.changes().stream().map(Change::version).toList());
  }

  /** Audit gap 2: a history page read its whole count from the log whatever the changes weighed. */
  @Test
  void a_page_bounded_by_bytes_stops_before_the_change_that_passes_the_bound_across_slices_and_always_holds_one() {
    CustomerContext c = loaded().context();
    String text = "b".repeat(1000);
    for (int i = 0; i < 80; i++) { // more than two slices of BOUNDED_READ
      Commit commit = commitOf(c, set("bio", i + text));
      await(commit(key, commit, null, loaded().runId(), false));
      c = commit.after();
    }
    long each = store.write(await(store.changesAfter(key, 0, 1)).changes().get(0)).length(); // ~3 KB; they differ by a few bytes
    ContextStore.Window page = await(store.changesAfter(key, 0, 1000, each * 70 + each / 2));
    assertTrue(page.complete());
    assertEquals(70, page.changes().size(), "cut before the 71st change, past two slices");
    for (int i = 0; i < 70; i++) assertEquals(i + 1, page.changes().get(i).version(), "in order, gap-free");
    assertEquals(1, await(store.changesAfter(key, 5, 1000, 1)).changes().size(), "a bound below one change still gives one");
    assertEquals(80, await(store.changesAfter(key, 0, 1000)).changes().size(), "unbounded: the whole log");
    assertEquals(10, await(store.changesAfter(key, 0, 10, Long.MAX_VALUE / 2)).changes().size(), "limit still caps the count");
  }

  @Test
  void a_stale_commit_is_refused_and_changes_nothing() {
    Loaded start = loaded();
    Commit winner = commitOf(start.context(), set("a", 1));
    Commit loser = commitOf(start.context(), set("a", 2));
    await(commit(key, winner, null, start.runId(), false));
    assertThrows(ContextStore.VersionMoved.class, () -> await(commit(key, loser, null, start.runId(), false)));
    assertEquals(1, loaded().context().profile().get("a"));
    assertEquals(1, await(store.changesAfter(key, 0, 10)).changes().size());
  }

  @Test
  void a_commit_checked_under_another_redis_run_is_refused_as_unverified() {
    Loaded start = loaded();
    assertThrows(ContextStore.Unverified.class,
        () -> await(commit(key, commitOf(start.context(), set("a", 1)), null, "0000-another-run", false)));
    assertEquals(0, loaded().context().version());
  }

  @Test
  void an_identity_linked_to_another_customer_is_refused_naming_it() {
    String email = UUID.randomUUID() + "@example.com";
    Loaded start = loaded();
    await(commit(key, commitOf(start.context(), Map.of("op", "identity.link", "type", "email", "value", email)), null, start.runId(), false));
    CustomerKey other = new CustomerKey(key.tenant(), "c-2");
    Loaded theirs = await(store.load(other));
    Refusal r = assertThrows(Refusal.class, () -> await(commit(other,
        commitOf(theirs.context(), Map.of("op", "identity.link", "type", "email", "value", email)), null, theirs.runId(), false)));
    assertEquals(Reason.IDENTITY_TAKEN, r.reason());
    assertEquals("c-1", r.extra().get("customerId"));
    assertEquals("c-1", await(store.resolve(key.tenant(), "email", email)).orElseThrow());
  }

  @Test
  void a_hand_off_reaches_its_team_feed_once_however_often_its_commit_is_settled() {
    String team = newTeam();
    Commit handoff = handOffTo(team);
    await(store.settle(store.followUp(key, handoff))); // the journal relay's redo
    await(store.settle(store.followUp(key, handoff)));

    TeamFeed.Board board = await(teams.board(key.tenant(), team));
    assertEquals(1, board.seq(), "one hand-off change, one seq");
    assertEquals(1, board.waitingJson().size());
    TeamFeed.Frames frames = await(teams.after(key.tenant(), team, 0));
    assertEquals(List.of(1L), frames.seqs());
    assertTrue(frames.complete());
  }

  @Test
  void a_team_feed_numbered_by_another_redis_process_moves_to_a_new_epoch_so_its_screens_read_the_board_again() {
    // Defect guarded: a promoted replica that lost the last INCR gave the next hand-off change a seq screens already
    // had, and they dropped it as seen.
    String team = newTeam();
    Commit created = handOffTo(team);
    assertEquals(1, await(teams.board(key.tenant(), team)).seq());
    // what a failover to a replica that missed seq 1 leaves: another run numbered the feed, the seq is back at 0
    await(redis.execute("SET", RedisKeys.teamSeqRun(key.tenant(), team), "0000-the-failed-master"));
    await(redis.execute("SET", RedisKeys.teamSeq(key.tenant(), team), "0"));
    await(commit(key, accept(created), null, loaded().runId(), false));

    long seq = await(teams.board(key.tenant(), team)).seq();
    assertEquals(1_000_001, seq, "a new epoch: no seq a screen had is given again");
    assertFalse(await(teams.after(key.tenant(), team, 1)).complete(), "a screen at seq 1 sees a gap the log cannot fill: it resyncs");
    assertFalse(await(teams.after(key.tenant(), team, seq + 5)).complete(), "a screen ahead of the feed (it rolled back) resyncs too");
    assertTrue(await(teams.after(key.tenant(), team, seq)).complete());
  }

  @Test
  void a_late_settlement_of_an_older_version_does_not_undo_the_board_of_a_newer_one() {
    String team = newTeam();
    Commit created = handOffTo(team);
    await(commit(key, accept(created), null, loaded().runId(), false));
    String afterAccept = await(teams.board(key.tenant(), team)).waitingJson().toString();
    await(redis.execute("DEL", RedisKeys.teamApplied(key.tenant(), team))); // as if the created change's settlement came again, late
    await(store.settle(store.followUp(key, created)));
    assertEquals(afterAccept, await(teams.board(key.tenant(), team)).waitingJson().toString(), "the board keeps what the later version says");
  }

  @Test
  void a_seed_happens_once_and_a_later_one_from_the_same_version_is_refused() {
    Loaded start = loaded();
    CustomerContext rebuilt = commitOf(start.context(), set("from", "journal")).after();
    assertTrue(await(store.seed(key, 0, start.runId(), rebuilt, List.of())));
    assertFalse(await(store.seed(key, 0, start.runId(), rebuilt, List.of())), "Redis moved on: the second seeder loads again");
    assertEquals("journal", loaded().context().profile().get("from"));
  }

  @Test
  void a_log_that_no_longer_reaches_back_says_so() {
    Loaded start = loaded();
    CustomerContext ctx = start.context();
    List<Change> changes = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Commit c = commitOf(ctx, set("n", i));
      changes.addAll(c.changes());
      ctx = c.after();
    }
    assertTrue(await(store.seed(key, 0, start.runId(), ctx, changes.subList(3, 5)))); // the log holds v4..v5 only
    assertFalse(await(store.changesAfter(key, 0, 10)).complete(), "v1 is gone from the log");
    ContextStore.Window recent = await(store.changesAfter(key, 3, 10));
    assertTrue(recent.complete());
    assertEquals(List.of(4L, 5L), recent.changes().stream().map(Change::version).toList());
  }
}
