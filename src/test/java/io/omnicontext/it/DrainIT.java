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
    Thread writes = new Thread(() -> {
      for (int i = 1; writing.get() && i < 2000; i++) {
        Client.Answer a = writer.post(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("n", i))));
        if (a.status() == 200) lastAcknowledged.set(a.body().path("version").asLong());
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
      List<Long> all = new ArrayList<>(screens.get(i).versions(customer));
      all.addAll(again.versions(customer));
      assertEquals(new ArrayList<>(new TreeSet<>(all)), all, "screen " + i + ": no change twice, none out of order");
      assertEquals(java.util.stream.LongStream.rangeClosed(2, last).boxed().toList(), all.stream().filter(v -> v <= last).toList(),
          "screen " + i + ": every change from v2 to v" + last + " across the drain");
      again.close();
    }
  }
}
