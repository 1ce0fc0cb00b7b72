package io.omnicontext.adapter.redis;

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
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ContextStore} on one Redis: a hash per customer (v, doc), a change log zset, identity keys; commit.lua does the rest. */
@ApplicationScoped
public class RedisContextStore implements ContextStore {
  private final ReactiveRedisDataSource redis;
  private final RedisScripts scripts;
  private final JsonCodec json;
  private final OmnicontextConfig config;
  private final Frames frames;

  public RedisContextStore(ReactiveRedisDataSource redis, RedisScripts scripts, JsonCodec json, OmnicontextConfig config, Frames frames) {
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
    List<String> keys = new ArrayList<>(List.of(RedisKeys.context(key), RedisKeys.log(key)));
    List<String> args = new ArrayList<>(List.of(Long.toString(seenVersion), Long.toString(rebuilt == null ? seenVersion : rebuilt.version()),
        rebuilt == null ? "" : write(rebuilt), runId, key.customerId()));
    if (rebuilt != null) rebuilt.identities().forEach(i -> keys.add(RedisKeys.identity(key.tenant(), i.type(), i.value())));
    List<Change> window = rebuilt == null ? List.of() : recent.subList(Math.max(0, recent.size() - config.redis().logWindow()), recent.size());
    args.add(Integer.toString(window.size()));
    for (Change c : window) {
      args.add(Long.toString(c.version()));
      args.add(write(c));
    }
    return scripts.run(RedisScripts.SEED, keys, args).map(r -> !"moved".equals(r.toString()));
  }

  @Override
  public Uni<Long> version(CustomerKey key) {
    return redis.execute("HGET", RedisKeys.context(key), "v").map(v -> v == null ? 0L : v.toLong());
  }

  @Override
  public Uni<String> commit(CustomerKey key, Commit commit, IdempotencyStore.Record idempotency, String runId, boolean snapshot) {
    List<String> keys = new ArrayList<>();
    keys.add(RedisKeys.context(key));
    keys.add(RedisKeys.log(key));
    keys.add(idempotency == null ? RedisKeys.idempotency(key, "-") : RedisKeys.idempotency(key, idempotency.idempotencyKey()));
    keys.add(RedisKeys.outbox(key));
    commit.linked().forEach(i -> keys.add(RedisKeys.identity(key.tenant(), i.type(), i.value())));
    List<String> changeJson = commit.changes().stream().map(this::write).toList();
    String contextJson = write(commit.after());
    refuseOversized(commit, contextJson, changeJson);
    List<String> args = new ArrayList<>();
    args.add(Long.toString(commit.before().version()));
    args.add(Long.toString(commit.lastVersion()));
    args.add(contextJson);
    args.add(RedisKeys.channel(Topic.customer(key)));
    args.add("[" + String.join(",", changeJson) + "]");
    args.add(Integer.toString(config.redis().logWindow()));
    args.add(idempotency == null ? "" : write(StoredAnswer.done(idempotency)));
    args.add(Long.toString(config.redis().idempotencyTtl().toSeconds()));
    args.add(Integer.toString(changeJson.size()));
    args.add(Integer.toString(commit.linked().size()));
    args.add(Integer.toString(commit.teamEntries().size()));
    args.add(key.customerId());
    args.add(runId);
    args.add(write(new OutboxEntry(key.tenant(), key.customerId(), changeJson, ChangeJournal.Entry.of(key, commit, false).linked(),
        snapshot ? contextJson : null)));
    args.add(commit.adoptIdentitiesFrom() == null ? "" : commit.adoptIdentitiesFrom());
    for (int i = 0; i < changeJson.size(); i++) {
      args.add(Long.toString(commit.changes().get(i).version()));
      args.add(changeJson.get(i));
    }
    for (Commit.TeamEntry e : commit.teamEntries()) {
      keys.add(RedisKeys.teamSeq(key.tenant(), e.team()));
      keys.add(RedisKeys.teamLog(key.tenant(), e.team()));
      keys.add(RedisKeys.teamBoard(key.tenant(), e.team()));
      String handoffId = (String) e.change().data().get("handoffId");
      TeamBoard.Item item = TeamBoard.item(commit.after(), handoffId);
      args.add(RedisKeys.channel(Topic.team(key.tenant(), e.team())));
      // the script numbers the frame: it gets the encoded frame split around its seq
      args.addAll(frames.teamFrameAroundSeq(new ServerFrame.Handoff(e.team(), Long.MIN_VALUE, key.customerId(), e.change().staffView(), e.item())));
      args.add(key.customerId() + "/" + handoffId);
      args.add(item == null ? "" : write(item));
    }
    return scripts.run(RedisScripts.COMMIT, keys, args).map(r -> outcome(r, commit));
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

  private String outcome(Response r, Commit commit) {
    String status = r.get(0).toString();
    switch (status) {
      case "ok":
        return r.get(2).toString();
      case "moved":
        throw new VersionMoved(r.get(1).toLong());
      case "verify":
        throw new Unverified();
      case "identity_taken":
        var identity = commit.linked().get(r.get(1).toInteger() - 1);
        String holder = r.get(2).toString();
        throw new Refusal(Reason.IDENTITY_TAKEN, "the " + identity.type() + " " + identity.value() + " is already linked to customer "
            + holder + "; link it with \"merge\": true to merge that customer into this one", java.util.Map.of("customerId", holder));
      default:
        throw new IllegalStateException("commit.lua answered " + status);
    }
  }

  @Override
  public Uni<Window> changesAfter(CustomerKey key, long after, int limit) {
    return redis.execute("ZRANGEBYSCORE", RedisKeys.log(key), "(" + after, "+inf", "LIMIT", "0", Integer.toString(limit))
        .map(r -> { List<Change> out = new ArrayList<>(r.size()); r.forEach(m -> out.add(read(m.toString(), Change.class))); return out; })
        .chain(changes -> changes.isEmpty()
            ? version(key).map(v -> new Window(changes, v <= after))
            : Uni.createFrom().item(new Window(changes, changes.get(0).version() == after + 1)));
  }

  @Override
  public Uni<Void> erase(CustomerKey key, CustomerContext context) {
    List<String> keys = new ArrayList<>(List.of(RedisKeys.context(key), RedisKeys.log(key)));
    context.identities().forEach(i -> keys.add(RedisKeys.identity(key.tenant(), i.type(), i.value())));
    context.handoffs().values().stream().map(Items.Handoff::toTeam).distinct().forEach(team -> {
      keys.add(RedisKeys.teamBoard(key.tenant(), team));
      keys.add(RedisKeys.teamLog(key.tenant(), team));
    });
    List<String> args = List.of(RedisKeys.channel(Topic.customer(key)), Integer.toString(context.identities().size()),
        key.customerId() + "/", "\"customerId\":" + write(key.customerId()));
    return scripts.run(RedisScripts.ERASE, keys, args)
        .chain(() -> idempotencyKeys(key, "0"))
        .chain(() -> redis.execute("ZREM", RedisKeys.due(key), RedisKeys.dueMember(key)))
        .replaceWithVoid();
  }

  /** Idempotency records hold answers with personal data: SCAN the customer's and delete them, page by page. */
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
    return redis.execute("GET", RedisKeys.identity(tenant, type, value)).map(r -> Optional.ofNullable(r).map(Response::toString));
  }

  /** One commit waiting in the journal outbox: the change records as pushed, linked identities, a snapshot when due. */
  public record OutboxEntry(String tenant, String customerId, List<String> changes, List<ChangeJournal.Identity> linked, String snapshot) {}

  /** An idempotency record as stored: the request's fingerprint, and the answer once there is one. */
  public record StoredAnswer(String fp, String state, Integer status, String body, String customerBody) {
    static StoredAnswer pending(String fingerprint) { return new StoredAnswer(fingerprint, "pending", null, null, null); }

    static StoredAnswer done(IdempotencyStore.Record r) {
      return new StoredAnswer(r.fingerprint(), "done", r.status(), r.staffBody(), r.customerBody());
    }
  }

  String write(Object o) { return json.write(o); }

  <T> T read(String s, Class<T> type) { return json.read(s, type); }
}
