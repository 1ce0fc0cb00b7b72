package io.omnicontext.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The sharded rewrite of the scripts' publishes: on a cluster a classic PUBLISH reaches no SSUBSCRIBE follower. */
class RedisScriptsTests {
  private static final Pattern CLASSIC = Pattern.compile("(?i)['\"]PUBLISH['\"]");

  /** Guards a script added under resources/redis but not loaded (then not rewritten, not checked). */
  @Test
  void every_script_under_resources_redis_is_loaded() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/redis"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lua")).map(n -> n.substring(0, n.length() - 4)).sorted().toList();
      assertEquals(names, RedisScripts.ALL.stream().sorted().toList());
    }
  }

  /** Guards a sharded script body that still publishes classically (the rewrite missed a spelling). */
  @Test
  void no_sharded_body_publishes_classically_and_the_publishing_ones_publish_sharded() {
    int publishing = 0;
    for (String name : RedisScripts.ALL) {
      String sharded = RedisScripts.body(name, true);
      assertFalse(CLASSIC.matcher(sharded).find(), name + " still has a classic PUBLISH");
      String classic = RedisScripts.body(name, false);
      if (CLASSIC.matcher(classic).find()) {
        publishing++;
        assertTrue(sharded.contains("'SPUBLISH'"), name);
      }
    }
    assertEquals(3, publishing, "commit, erase and team-apply publish");
  }
}
