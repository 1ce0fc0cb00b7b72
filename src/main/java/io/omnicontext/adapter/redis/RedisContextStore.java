package io.omnicontext.adapter.redis;

import io.omnicontext.config.LogSafe;
import io.omnicontext.config.JsonCodec;
import io.omnicontext.config.OmnicontextConfig;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.Commit;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.Items;
import io.omnicontext.domain.Reason;
import io.omnicontext.domain.Refusal;
import io.omnicontext.domain.StoredText;
import io.omnicontext.domain.TeamBoard;
import io.omnicontext.port.ChangeJournal;
import io.omnicontext.port.ContextStore;
import io.omnicontext.port.IdempotencyStore;
import io.omnicontext.port.Topic;
import io.omnicontext.wire.Frames;
import io.omnicontext.wire.ServerFrame;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ContextStore} on Redis, standalone or Cluster: a hash per customer (v, doc) and a change log zset in the
 * customer's slot, written by commit.lua; identity keys ({@link IdentityClaims}) and team feeds (team-apply.lua) in
 * slots of their own, settled around the commit.
 */
@ApplicationScoped
public class RedisContextStore implements ContextStore {
  private final ReactiveRedisDataSource redis;
  private final RedisScripts scripts;
  private final JsonCodec json;
  private final OmnicontextConfig config;
  private final Frames frames;
  private final IdentityClaims claims;
  private final RedisTopology topology;

  public RedisContextStore(ReactiveRedisDataSource redis, RedisScripts scripts, JsonCodec json, OmnicontextConfig config, Frames frames,
      IdentityClaims claims, RedisTopology topology) {
    this.topology = topology;
    this.claims = claims;
    this.frames = frames;
    this.redis = redis;
    this.scripts = scripts;
    this.json = json;
    this.config = config;
  }

  @Override
  public Uni<Loaded> load(CustomerKey key) {
    return scripts.run(RedisScripts.LOAD, List.of(RedisKeys.context(key)), List.of()).map(r -> {
      Response doc = r.get(0);
      CustomerContext ctx = doc == null || doc.type() == io.vertx.redis.client.ResponseType.BOOLEAN || doc.toString() == null
          ? CustomerContext.empty(key.customerId()) : read(doc.toString(), CustomerContext.class);
      return new Loaded(ctx, r.get(2).toInteger() == 1, r.get(3).toString());
    });
  }

  @Override
  public Uni<Boolean> seed(CustomerKey key, long seenVersion, String runId, CustomerContext rebuilt, List<Change> recent) {
    List<String> keys = List.of(RedisKeys.context(key), RedisKeys.log(key));
    List<String> args = new ArrayList<>(List.of(Long.toString(seenVersion), Long.toString(rebuilt == null ? seenVersion : rebuilt.version()),
        rebuilt == null ? "" : write(rebuilt), runId));
    List<Change> window = rebuilt == null ? List.of() : recent.subList(Math.max(0, recent.size() - config.redis().logWindow()), recent.size());
    args.add(Integer.toString(window.size()));
    for (Change c : window) {
      args.add(Long.toString(c.version()));
      args.add(write(c));
    }
    // The journal is the authority on identities too: once the context is back, its identity keys (other slots) are.
    List<String> identities = rebuilt == null ? List.of()
        : rebuilt.identities().stream().map(i -> RedisKeys.identity(key.tenant(), i.type(), i.value())).toList();
    return scripts.run(RedisScripts.SEED, keys, args).map(r -> r.toString())
        .call(outcome -> "seeded".equals(outcome) ? claims.settle(identities, key.customerId(), IdentityClaims.Settle.CONFIRM)
            : Uni.createFrom().voidItem())
        .map(outcome -> !"moved".equals(outcome));
  }

  @Override
  public Uni<Long> version(CustomerKey key) {
    return redis.execute("HGET", RedisKeys.context(key), "v").map(v -> v == null ? 0L : v.toLong());
  }

  /**
   * The commit in three steps, because on Redis Cluster only the customer's own keys share its slot: (1) claim the
   * identities it links (each in its own slot; a claim another customer holds refuses the commit, and every claim is
   * given back if the commit does not happen), (2) commit.lua in the customer's slot (context, log, idempotency
   * record, outbox entry, publication), (3) settle what lives elsewhere: confirm the claims and put its hand-offs on
   * the team feeds. The outbox entry carries step 3, so the journal relay redoes it until it is done; a writer that
   * could not settle leaves its entry to the relay.
   */
  @Override
  public Uni<Committed> commit(CustomerKey key, Commit commit, IdempotencyStore.Record idempotency, String runId, boolean snapshot,
      Map<ChangeJournal.Identity, Optional<String>> journalHolders) {
    List<String> changeJson = commit.changes().stream().map(this::write).toList();
    String contextJson = write(commit.after());
    refuseOversized(commit, contextJson, changeJson);
    List<String> identityKeys = identityKeys(key, commit);
    FollowUp followUp = followUp(key, commit);
    List<String> keys = List.of(RedisKeys.context(key), RedisKeys.log(key),
        idempotency == null ? RedisKeys.idempotency(key, "-") : RedisKeys.idempotency(key, idempotency.idempotencyKey()), RedisKeys.outbox(key),
        RedisKeys.idempotencyIndex(key));
    List<String> args = new ArrayList<>();
    args.add(Long.toString(commit.before().version()));
    args.add(Long.toString(commit.lastVersion()));
    args.add(contextJson);
    args.add(RedisKeys.channel(Topic.customer(key)));
    args.add(io.omnicontext.ops.FeedTrace.message(changeJson)); // with the commit's trace context when it is traced
    args.add(Integer.toString(config.redis().logWindow()));
    args.add(idempotency == null ? "" : write(StoredAnswer.done(idempotency)));
    args.add(Long.toString(config.redis().idempotencyTtl().toSeconds()));
    args.add(Integer.toString(changeJson.size()));
    args.add(runId);
    args.add(write(new OutboxEntry(key.tenant(), key.customerId(), changeJson, ChangeJournal.Entry.of(key, commit, false).linked(),
        snapshot ? contextJson : null, followUp.json())));
    for (int i = 0; i < changeJson.size(); i++) {
      args.add(Long.toString(commit.changes().get(i).version()));
      args.add(changeJson.get(i));
    }
    List<ChangeJournal.Identity> linked = commit.linked().stream().map(i -> new ChangeJournal.Identity(i.type(), i.value())).toList();
    List<String> holders = linked.stream().map(i -> journalHolders.containsKey(i) ? journalHolders.get(i).orElse("") : null).toList();
    return claims.claim(identityKeys, key.customerId(), commit.adoptIdentitiesFrom(), holders)
        .onFailure(IdentityClaims.Taken.class).transform(t -> {
          IdentityClaims.Taken taken = (IdentityClaims.Taken) t;
          Items.Identity identity = commit.linked().get(taken.index);
          return IdentityClaims.refusal(identity.type(), identity.value(), taken.holder);
        })
        .onFailure(IdentityClaims.Unchecked.class).transform(t ->
            new IdentitiesUnchecked(((IdentityClaims.Unchecked) t).indexes.stream().map(linked::get).toList()))
        .chain(claimed -> {
      // the outbox item id names the bucket's stream (RedisJournalOutbox)
      Uni<String> committed = scripts.run(RedisScripts.COMMIT, keys, args).map(r -> RedisKeys.bucket(key) + "/" + outcome(r));
      if (claimed.isEmpty()) return committed;
      // Given back only when commit.lua surely wrote nothing; after a timeout or a lost connection it may have
      // committed, so the claims stay pending: the outbox entry's follow-up confirms them, or they expire.
      return committed.onFailure(RedisContextStore::surelyNotCommitted).call(() -> claims.settle(claimed, key.customerId(),
          IdentityClaims.Settle.RELEASE).onFailure().recoverWithNull()); // a claim not given back expires on its own
    }).chain(outboxId -> settle(followUp).replaceWith(new Committed(outboxId, true))
        .onFailure().recoverWithItem(e -> {
          Log.warnf("commit settled later by the journal relay tenant=%s customer=%s: %s", key.tenant(), key.customerId(), LogSafe.failure(e));
          return new Committed(outboxId, false);
        }));
  }

  /** commit.lua answered that it wrote nothing (another writer won, Redis restarted). */
  private static boolean surelyNotCommitted(Throwable e) { return e instanceof VersionMoved || e instanceof Unverified; }

  private static List<String> identityKeys(CustomerKey key, Commit commit) {
    return commit.linked().stream().map(i -> RedisKeys.identity(key.tenant(), i.type(), i.value())).toList();
  }

  /** What the commit leaves to settle outside the customer's slot. */
  FollowUp followUp(CustomerKey key, Commit commit) {
    return new FollowUp(write(new Settlement(key.tenant(), key.customerId(), identityKeys(key, commit), teamEntries(key, commit))));
  }

  /** The commit's hand-offs, each with what team-apply.lua needs to put it on its team's feed exactly once. */
  private List<TeamDelivery> teamEntries(CustomerKey key, Commit commit) {
    List<TeamDelivery> out = new ArrayList<>();
    for (int i = 0; i < commit.teamEntries().size(); i++) {
      Commit.TeamEntry e = commit.teamEntries().get(i);
      String handoffId = (String) e.change().data().get("handoffId");
      TeamBoard.Item item = TeamBoard.item(commit.after(), handoffId);
      // the script numbers the frame: it gets the encoded frame split around its seq
      List<String> frame = frames.teamFrameAroundSeq(new ServerFrame.Handoff(e.team(), Long.MIN_VALUE, key.customerId(), e.change().staffView(), e.item()));
      out.add(new TeamDelivery(e.team(), key.customerId() + "@" + e.change().version() + "#" + i, frame.get(0), frame.get(1),
          key.customerId() + "/" + handoffId, item == null ? "" : write(item), e.change().version()));
    }
    return out;
  }

  @Override
  public Uni<Void> settle(FollowUp followUp) {
    Settlement s = read(followUp.json(), Settlement.class);
    Uni<Void> identities = claims.settle(s.identityKeys(), s.customerId(), IdentityClaims.Settle.CONFIRM);
    Uni<Void> all = identities;
    for (TeamDelivery d : s.team()) all = all.chain(() -> deliver(s.tenant(), d)); // in commit order
    return all;
  }

  private Uni<Void> deliver(String tenant, TeamDelivery d) {
    return scripts.run(RedisScripts.TEAM_APPLY,
        List.of(RedisKeys.teamSeq(tenant, d.team()), RedisKeys.teamLog(tenant, d.team()), RedisKeys.teamBoard(tenant, d.team()),
            RedisKeys.teamBoardVersions(tenant, d.team()), RedisKeys.teamApplied(tenant, d.team()), RedisKeys.teamSeqRun(tenant, d.team())),
        List.of(d.entryId(), RedisKeys.channel(Topic.team(tenant, d.team())), d.frameHead(), d.frameTail(), d.boardField(), d.boardItem(),
            Long.toString(d.version()), Integer.toString(config.redis().logWindow()),
            Long.toString(TEAM_DEDUPE.toMillis())))
        .replaceWithVoid();
  }

  @Override
  public void refuseOversized(Commit commit) {
    refuseOversized(commit, write(commit.after()), commit.changes().stream().map(this::write).toList());
  }

  /**
   * Refuses (too_large, before anything is written) a change over limits.change-bytes, a request whose
   * changes together pass limits.commit-bytes, and a document over limits.document-bytes that this
   * commit made larger (one already over a lowered limit may shrink).
   */
  private void refuseOversized(Commit commit, String contextJson, List<String> changeJson) {
    var limits = config.limits();
    long total = 0;
    for (int i = 0; i < changeJson.size(); i++) {
      long bytes = StoredText.utf8Length(changeJson.get(i));
      if (bytes > limits.changeBytes()) {
        throw new Refusal(Reason.TOO_LARGE, "change " + (i + 1) + " of the request would be " + bytes + " bytes; at most "
            + limits.changeBytes() + " are kept");
      }
      total += bytes;
    }
    if (total > limits.commitBytes()) {
      throw new Refusal(Reason.TOO_LARGE, "the request's changes would be " + total + " bytes together; at most " + limits.commitBytes()
          + "; send fewer ops per request");
    }
    long bytes = StoredText.utf8Length(contextJson);
    if (bytes > limits.documentBytes() && bytes > StoredText.utf8Length(write(commit.before()))) {
      throw new Refusal(Reason.TOO_LARGE, "the context would be " + bytes + " bytes; at most " + limits.documentBytes() + " are kept");
    }
  }

  private String outcome(Response r) {
    String status = r.get(0).toString();
    switch (status) {
      case "ok":
        return r.get(2).toString();
      case "moved":
        throw new VersionMoved(r.get(1).toLong());
      case "verify":
        throw new Unverified();
      default:
        throw new IllegalStateException("commit.lua answered " + status);
    }
  }

  /** Changes read from the log per round trip when a page is bounded by bytes, so a node holds little more than the bound. */
  static final int BOUNDED_READ = 32;

  @Override
  public Uni<Window> changesAfter(CustomerKey key, long after, int limit, long maxBytes) {
    return logPage(key, after, limit, maxBytes, new ArrayList<>(), 0)
        .chain(changes -> changes.isEmpty()
            ? version(key).map(v -> new Window(changes, v <= after))
            : Uni.createFrom().item(new Window(changes, changes.get(0).version() == after + 1)));
  }

  /**
   * Reads the log after {@code from} into {@code out}, a slice at a time when bounded, until {@code limit} changes or
   * the first that would take their JSON past {@code maxBytes} (the first of a page always comes), or the log's end.
   */
  private Uni<List<Change>> logPage(CustomerKey key, long from, int limit, long maxBytes, List<Change> out, long bytes) {
    int want = limit - out.size();
    int slice = maxBytes == Long.MAX_VALUE ? want : Math.min(want, BOUNDED_READ);
    return redis.execute("ZRANGEBYSCORE", RedisKeys.log(key), "(" + from, "+inf", "LIMIT", "0", Integer.toString(slice)).chain(r -> {
      long total = bytes;
      for (Response m : r) {
        String raw = m.toString();
        total += StoredText.utf8Length(raw);
        if (total > maxBytes && !out.isEmpty()) return Uni.createFrom().item(out);
        Change c = read(raw, Change.class);
        // the log was trimmed past the end of the previous slice meanwhile: the page ends gap-free before it
        if (!out.isEmpty() && c.version() != out.get(out.size() - 1).version() + 1) return Uni.createFrom().item(out);
        out.add(c);
      }
      if (r.size() < slice || out.size() >= limit) return Uni.createFrom().item(out);
      return logPage(key, out.get(out.size() - 1).version(), limit, maxBytes, out, total);
    });
  }

  @Override
  public Uni<Void> erase(CustomerKey key, CustomerContext context) {
    List<String> identityKeys = context.identities().stream().map(i -> RedisKeys.identity(key.tenant(), i.type(), i.value())).toList();
    List<String> teams = context.handoffs().values().stream().map(Items.Handoff::toTeam).distinct().toList();
    List<String> teamArgs = List.of(key.customerId() + "/", "\"customerId\":" + write(key.customerId()));
    // Slot by slot: the customer's own keys first (its subscribers hear it at once), then identities and team feeds.
    Uni<Void> teamFeeds = Uni.createFrom().voidItem();
    for (String team : teams) {
      teamFeeds = teamFeeds.chain(() -> scripts.run(RedisScripts.ERASE_TEAM,
          List.of(RedisKeys.teamBoard(key.tenant(), team), RedisKeys.teamBoardVersions(key.tenant(), team), RedisKeys.teamLog(key.tenant(), team)),
          teamArgs).replaceWithVoid());
    }
    Uni<Void> afterCustomer = teamFeeds;
    return scripts.run(RedisScripts.ERASE, List.of(RedisKeys.context(key), RedisKeys.log(key)), List.of(RedisKeys.channel(Topic.customer(key))))
        .chain(() -> claims.erase(identityKeys, key.customerId()))
        .chain(() -> afterCustomer)
        .chain(() -> indexedIdempotencyRecords(key))
        .chain(() -> topology.cluster() ? Uni.createFrom().voidItem() : idempotencyKeys(key, "0"))
        .chain(() -> redis.execute("ZREM", RedisKeys.due(key), RedisKeys.dueMember(key)))
        .replaceWithVoid();
  }

  /**
   * Idempotency records hold answers with personal data: the customer's index names them all (one slot, so this works
   * on a cluster, where SCAN reaches one random master); the index goes with them.
   */
  private Uni<Void> indexedIdempotencyRecords(CustomerKey key) {
    String index = RedisKeys.idempotencyIndex(key);
    return redis.execute("ZRANGE", index, "0", "-1").chain(r -> {
      List<String> doomed = new ArrayList<>();
      r.forEach(k -> doomed.add(k.toString()));
      doomed.add(index);
      return redis.execute("DEL", doomed.toArray(String[]::new));
    }).replaceWithVoid();
  }

  /** Standalone only: records written before the index existed, found by SCAN page by page. */
  private Uni<Void> idempotencyKeys(CustomerKey key, String cursor) {
    return redis.execute("SCAN", cursor, "MATCH", RedisKeys.idempotencyPattern(key), "COUNT", "500").chain(r -> {
      String next = r.get(0).toString();
      List<String> found = new ArrayList<>();
      r.get(1).forEach(k -> found.add(k.toString()));
      Uni<Void> deleted = found.isEmpty() ? Uni.createFrom().voidItem() : redis.execute("DEL", found.toArray(String[]::new)).replaceWithVoid();
      return "0".equals(next) ? deleted : deleted.chain(() -> idempotencyKeys(key, next));
    });
  }

  @Override
  public Uni<Optional<String>> resolve(String tenant, String type, String value) {
    return claims.holder(RedisKeys.identity(tenant, type, value));
  }

  /** What a commit leaves to settle outside its customer's slot (the JSON of a {@link FollowUp}). */
  record Settlement(String tenant, String customerId, List<String> identityKeys, List<TeamDelivery> team) {}

  /** One hand-off change for its team's feed: the frame split around the seq the team's script gives it. */
  record TeamDelivery(String team, String entryId, String frameHead, String frameTail, String boardField, String boardItem, long version) {}

  /** How long a team remembers the hand-off changes it took, so the relay's redo of a settled commit changes nothing. */
  private static final java.time.Duration TEAM_DEDUPE = java.time.Duration.ofHours(24);

  String write(Object o) { return json.write(o); }

  <T> T read(String s, Class<T> type) { return json.read(s, type); }
}
