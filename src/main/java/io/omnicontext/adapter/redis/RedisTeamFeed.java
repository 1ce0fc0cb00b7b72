package io.omnicontext.adapter.redis;

import io.omnicontext.port.TeamFeed;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link TeamFeed} over the keys team-apply.lua writes: seq counter, frame log (zset by seq), board (hash of waiting and accepted items). */
@ApplicationScoped
public class RedisTeamFeed implements TeamFeed {
  /** Team names cannot hold quotes, so the first "seq" member of a frame is its own. */
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  private final ReactiveRedisDataSource redis;
  private final RedisScripts scripts;

  public RedisTeamFeed(ReactiveRedisDataSource redis, RedisScripts scripts) {
    this.redis = redis;
    this.scripts = scripts;
  }

  @Override
  public Uni<Board> board(String tenant, String team) {
    return scripts.run(RedisScripts.TEAM_BOARD, List.of(RedisKeys.teamSeq(tenant, team), RedisKeys.teamBoard(tenant, team)), List.of())
        .map(r -> {
          List<String> waiting = new ArrayList<>(), accepted = new ArrayList<>();
          r.get(1).forEach(i -> (ACCEPTED.equals(statusOf(i.toString())) ? accepted : waiting).add(i.toString()));
          waiting.sort(java.util.Comparator.comparing(RedisTeamFeed::dueBy)); // most urgent first, as the REST list
          accepted.sort(java.util.Comparator.comparing(RedisTeamFeed::dueBy));
          return new Board(r.get(0).toLong(), waiting, accepted);
        });
  }

  @Override
  public Uni<Frames> after(String tenant, String team, long after) {
    return redis.execute("ZRANGEBYSCORE", RedisKeys.teamLog(tenant, team), "(" + after, "+inf")
        .chain(r -> redis.execute("GET", RedisKeys.teamSeq(tenant, team)).map(seq -> {
          List<Long> seqs = new ArrayList<>();
          List<String> frames = new ArrayList<>();
          r.forEach(f -> { frames.add(f.toString()); seqs.add(seqOf(f.toString())); });
          long current = seq == null ? 0 : seq.toLong();
          // a seq below after: the feed rolled back (Redis lost its last writes), so the log cannot say what followed
          boolean complete = seqs.isEmpty() ? current == after : seqs.get(0) == after + 1;
          return new Frames(seqs, frames, current, complete);
        }));
  }

  private static final String ACCEPTED = "accepted";
  /** A board item is one flat object whose strings are escaped, so the first unescaped "status" member is its own. */
  private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");

  static String statusOf(String item) {
    Matcher m = STATUS.matcher(item);
    return m.find() ? m.group(1) : "";
  }

  private static final Pattern DUE_BY = Pattern.compile("\"dueBy\":\"([^\"]+)\"");

  static java.time.Instant dueBy(String item) {
    Matcher m = DUE_BY.matcher(item);
    return m.find() ? java.time.Instant.parse(m.group(1)) : java.time.Instant.MAX;
  }

  static long seqOf(String frame) {
    Matcher m = SEQ.matcher(frame);
    if (!m.find()) throw new IllegalStateException("team frame without seq");
    return Long.parseLong(m.group(1));
  }
}
