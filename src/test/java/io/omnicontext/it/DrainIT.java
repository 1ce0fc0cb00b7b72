package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** SIGTERM under load: readiness DOWN, sockets closed with 1013 over the window, clients resume elsewhere with nothing lost. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DrainIT {
  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");

  private static final int WRITES = 900;

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean notReady(Nodes.Node node) {
    try {
      return Client.status(node.base().resolve("/q/health/ready")) != 200;
    } catch (AssertionError gone) {
      return true;
    }
  }

  @Test
  void a_draining_node_closes_its_sockets_with_1013_over_the_window_and_its_clients_resume_on_another_node_with_nothing_lost()
      throws Exception {
    Nodes.Node draining = Nodes.startExtra("drained", Map.of("OMNICONTEXT_DRAIN_WINDOW", "3s"));
    String token = Tokens.mint(tenant, "agent", "agent-1", "voice", null);
    Client writer = new Client(Nodes.one(), Tokens.mint(tenant, "integration", "crm", "system", null));
    writer.commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("n", 0))));
    List<Client.Stream> screens = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Client.Stream s = new Client(draining, token).stream();
      s.subscribe(customer);
      screens.add(s);
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong lastAcknowledged = new AtomicLong(1);
    // Paced and capped below the Redis log window (1000 changes): every resume is then a replay, which is what
    // this test checks. Unpaced on a loaded machine, a screen could fall more than the window behind and be
    // answered with a snapshot instead (the contract's fallback, tested elsewhere), not a replay.
    Thread writes = new Thread(() -> {
      for (int i = 1; writing.get() && i < WRITES; i++) {
        Client.Answer a = writer.post(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("n", i))));
        if (a.status() == 200) lastAcknowledged.set(a.body().path("version").asLong());
        pause(Duration.ofMillis(5));
      }
    });
    writes.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> lastAcknowledged.get() >= 5);

    draining.process().destroy(); // SIGTERM
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
        .until(() -> notReady(draining));
    for (Client.Stream s : screens) {
      await().atMost(Duration.ofSeconds(15)).until(() -> s.closedWith() != null);
      assertTrue(s.closedWith().startsWith("1013"), "closed with 1013 (resume later), not " + s.closedWith());
    }
    assertTrue(draining.process().waitFor(30, TimeUnit.SECONDS), "the drained node exits within the grace period");

    List<Client.Stream> resumed = new ArrayList<>();
    for (Client.Stream s : screens) {
      List<Long> seen = s.versions(customer);
      long after = seen.isEmpty() ? 1 : seen.get(seen.size() - 1);
      Client.Stream again = new Client(Nodes.two(), token).stream();
      again.send(Map.of("type", "subscribe", "customerId", customer, "after", after));
      resumed.add(again);
    }
    writing.set(false);
    writes.join(30_000);
    long last = lastAcknowledged.get();
    for (int i = 0; i < screens.size(); i++) {
      Client.Stream again = resumed.get(i);
      again.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == last, "v" + last + " after the resume",
          Duration.ofSeconds(15));
      List<Long> before = screens.get(i).versions(customer);
      assertTrue(again.frames.stream().noneMatch(f -> f.path("type").asText().equals("snapshot")),
          "screen " + i + ": resumed after v" + (before.isEmpty() ? 1 : before.get(before.size() - 1)) + " with a replay, not a snapshot");
      List<Long> all = new ArrayList<>(before);
      all.addAll(again.versions(customer));
      assertEquals(new ArrayList<>(new TreeSet<>(all)), all, "screen " + i + ": no change twice, none out of order");
      TreeSet<Long> missing = new TreeSet<>(java.util.stream.LongStream.rangeClosed(2, last).boxed().toList());
      all.forEach(missing::remove);
      assertEquals(new TreeSet<Long>(), missing, "screen " + i + ": every change from v2 to v" + last + " across the drain (these are missing; "
          + before.size() + " seen before the drain, up to " + (before.isEmpty() ? "none" : before.get(before.size() - 1)) + ")");
      again.close();
    }
  }
}
