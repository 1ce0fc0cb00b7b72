package io.omnicontext.adapter.redis;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The Lua scripts under resources/redis, run by SHA; after a Redis restart flushed its script cache
 * (NOSCRIPT) the script is sent once more in full.
 */
@ApplicationScoped
public class RedisScripts {
  public static final String COMMIT = "commit";
  public static final String TEAM_BOARD = "team-board";
  public static final String DELETE_IF = "delete-if";
  public static final String ZREM_IF = "zrem-if";
  public static final String LOAD = "load";
  public static final String SEED = "seed";
  public static final String ERASE = "erase";
  public static final String ERASE_TEAM = "erase-team";
  public static final String IDENTITY_CLAIM = "identity-claim";
  public static final String IDENTITY_SETTLE = "identity-settle";
  public static final String TEAM_APPLY = "team-apply";
  public static final String BUCKET_RENEW = "bucket-renew";
  public static final String HEARTBEAT = "heartbeat";
  public static final String IDEM_PUT = "idem-put";
  static final List<String> ALL = List.of(COMMIT, TEAM_BOARD, DELETE_IF, ZREM_IF, LOAD, SEED, ERASE, ERASE_TEAM, IDENTITY_CLAIM, IDENTITY_SETTLE,
      TEAM_APPLY, BUCKET_RENEW, HEARTBEAT, IDEM_PUT);

  /** A classic publish in any spelling Lua allows: call or pcall, either quote, any case, spaces. */
  private static final Pattern CLASSIC_PUBLISH = Pattern.compile("(redis\\.p?call\\(\\s*)(['\"])PUBLISH\\2", Pattern.CASE_INSENSITIVE);
  /** What must not be left in a sharded body: the command name PUBLISH as a Lua string, wherever it is. */
  private static final Pattern ANY_CLASSIC = Pattern.compile("(['\"])PUBLISH\\1", Pattern.CASE_INSENSITIVE);

  private final ReactiveRedisDataSource redis;
  private final Map<String, String> bodies = new ConcurrentHashMap<>();
  private final Map<String, String> shas = new ConcurrentHashMap<>();

  public RedisScripts(ReactiveRedisDataSource redis, RedisTopology topology) {
    this.redis = redis;
    for (String name : ALL) {
      String body = body(name, topology.shardedPubSub());
      bodies.put(name, body);
      shas.put(name, RedisKeys.sha1(body));
    }
  }

  public Uni<Response> run(String script, List<String> keys, List<String> args) {
    return redis.execute("EVALSHA", command(shas.get(script), keys, args))
        .onFailure(RedisScripts::isNoScript).recoverWithUni(() -> redis.execute("EVAL", command(bodies.get(script), keys, args)));
  }

  private static String[] command(String scriptOrSha, List<String> keys, List<String> args) {
    List<String> a = new ArrayList<>(2 + keys.size() + args.size());
    a.add(scriptOrSha);
    a.add(Integer.toString(keys.size()));
    a.addAll(keys);
    a.addAll(args);
    return a.toArray(String[]::new);
  }

  private static boolean isNoScript(Throwable t) { return t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT"); }

  /**
   * The script as run. The scripts publish with PUBLISH; sharded pub/sub (the feed follows with SSUBSCRIBE) needs
   * SPUBLISH, and a classic publish left over would reach no follower on a cluster (only the gap fill would hide
   * it), so a sharded body that still names PUBLISH is refused at start-up.
   */
  static String body(String name, boolean sharded) {
    String text = read(name);
    if (!sharded) return text;
    String body = CLASSIC_PUBLISH.matcher(text).replaceAll("$1$2SPUBLISH$2");
    if (ANY_CLASSIC.matcher(body).find()) {
      throw new IllegalStateException("redis/" + name + ".lua publishes in a way the sharded rewrite does not know: use redis.call('PUBLISH', ...)");
    }
    return body;
  }

  private static String read(String name) {
    try (InputStream in = RedisScripts.class.getResourceAsStream("/redis/" + name + ".lua")) {
      if (in == null) throw new IllegalStateException("missing resource redis/" + name + ".lua");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
