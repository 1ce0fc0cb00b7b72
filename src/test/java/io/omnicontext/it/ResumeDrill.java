package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.LongStream;

/**
 * Screens watching one customer on a node that is about to go away, while a writer keeps committing through another
 * node; afterwards each screen resumes elsewhere with {@code after} and must see every change once, in order.
 *
 * <p>The writes are paced and capped below the Redis log window (1000 changes): every resume is then a replay, which
 * is what the drills check. Unpaced on a loaded machine, a screen could fall more than the window behind and be
 * answered with a snapshot instead (the contract's fallback, tested elsewhere).
 */
final class ResumeDrill {
  private static final int WRITES = 900;

  private final String customer;
  private final String token;
  private final List<Client.Stream> screens = new ArrayList<>();
  private final List<Client.Stream> resumed = new ArrayList<>();
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final AtomicLong lastAcknowledged = new AtomicLong(1);
  private final Thread writes;

  /** Commits v1 through {@code writer}, opens {@code count} screens on {@code doomed}, writes until five are acknowledged. */
  ResumeDrill(Nodes.Node doomed, Client writer, String token, String customer, int count) throws Exception {
    this.customer = customer;
    this.token = token;
    writer.commit(customer, List.of(set(0)));
    for (int i = 0; i < count; i++) {
      Client.Stream s = new Client(doomed, token).stream();
      s.subscribe(customer);
      screens.add(s);
    }
    writes = new Thread(() -> {
      for (int i = 1; writing.get() && i < WRITES; i++) {
        Client.Answer a = writer.post(customer, List.of(set(i)));
        if (a.status() == 200) lastAcknowledged.set(a.body().path("version").asLong());
        pause(Duration.ofMillis(5));
      }
    });
    writes.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> lastAcknowledged.get() >= 5);
  }

  List<Client.Stream> screens() { return screens; }

  /** Each screen subscribes again on the node {@code where} picks for it, after the last version it saw. */
  void resumeOn(IntFunction<Nodes.Node> where) throws Exception {
    for (int i = 0; i < screens.size(); i++) {
      Client.Stream again = new Client(where.apply(i), token).stream();
      again.send(Map.of("type", "subscribe", "customerId", customer, "after", lastSeen(screens.get(i).versions(customer))));
      resumed.add(again);
    }
  }

  /** Stops the writer; then every screen, before and after its resume, holds v2 to the last acknowledged version once, in order. */
  void assertNothingLostOrDoubled(String across) throws InterruptedException {
    writing.set(false);
    writes.join(30_000);
    long last = lastAcknowledged.get();
    for (int i = 0; i < screens.size(); i++) {
      Client.Stream again = resumed.get(i);
      again.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == last, "v" + last + " after the resume",
          Duration.ofSeconds(15));
      List<Long> before = screens.get(i).versions(customer);
      assertTrue(again.frames.stream().noneMatch(f -> f.path("type").asText().equals("snapshot")),
          "screen " + i + ": resumed after v" + lastSeen(before) + " with a replay, not a snapshot");
      List<Long> all = new ArrayList<>(before);
      all.addAll(again.versions(customer));
      assertEquals(new ArrayList<>(new TreeSet<>(all)), all, "screen " + i + ": no change twice, none out of order " + across);
      TreeSet<Long> missing = new TreeSet<>(LongStream.rangeClosed(2, last).boxed().toList());
      all.forEach(missing::remove);
      assertEquals(new TreeSet<Long>(), missing, "screen " + i + ": every change from v2 to v" + last + " " + across + " (these are missing; "
          + before.size() + " seen before, up to v" + lastSeen(before) + ")");
      again.close();
    }
  }

  private static long lastSeen(List<Long> versions) { return versions.isEmpty() ? 1 : versions.get(versions.size() - 1); }

  private static Map<String, Object> set(int n) { return Map.of("op", "profile.set", "fields", Map.of("n", n)); }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
