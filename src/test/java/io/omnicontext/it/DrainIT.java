package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under load (issue 10, item 6): readiness DOWN; new WebSockets refused with 1013 and new SSE streams with
 * 503; the open WebSockets closed with 1013 and the SSE stream ended, spread over the drain window; the engagement
 * held there ended; its buckets handed over; every write sent to it answered and every acknowledged one journaled;
 * its screens resume on another node with nothing lost.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DrainIT implements Topology {
  private static final Duration WINDOW = Duration.ofSeconds(4);
  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");
  private final String engaged = Tokens.newId("eng");
  private final String direct = Tokens.newId("direct");
  private final String agentToken = Tokens.mint(tenant, "agent", "agent-1", "voice", null);

  /** One write sent to the draining node: its status and code, or the failure when no answer came. */
  record Sent(int status, String code, long version, String failure) {}

  private static boolean notReady(Nodes.Node node) {
    try {
      return Client.status(node.base().resolve("/q/health/ready")) != 200;
    } catch (AssertionError gone) {
      return true;
    }
  }

  @Test
  void a_draining_node_refuses_new_connections_ends_its_own_over_the_window_hands_its_work_over_and_loses_no_write()
      throws Exception {
    Nodes.Node draining = extra("drained", Map.of("OMNICONTEXT_DRAIN_WINDOW", WINDOW.toSeconds() + "s"));
    try {
      drain(draining);
    } finally {
      draining.process().destroyForcibly(); // whatever failed: a leftover node would hold buckets in later tests
    }
  }

  private void drain(Nodes.Node draining) throws Exception {
    String drainedId = BucketLeasesIT.owned(draining).keySet().iterator().next();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> bucketOwners().containsValue(drainedId)); // it works buckets of its own before SIGTERM

    Client writer = new Client(one(), Tokens.mint(tenant, "integration", "crm", "system", null));
    ResumeDrill drill = new ResumeDrill(draining, writer, agentToken, customer, 8);
    Client.Events sse = new Client(draining, agentToken).events(customer, 0);
    sse.await("\"version\"", "the SSE stream's first event");
    writer.commit(engaged, List.of(Map.of("op", "profile.set", "fields", Map.of("name", "Ada"))));
    Client.Stream agent = new Client(draining, agentToken).stream();
    agent.send(Map.of("type", "engage", "customerId", engaged, "channel", "voice", "activity", "on-call"));
    String engagementId = await().atMost(Duration.ofSeconds(10)).until(() -> activeEngagement(writer), Objects::nonNull);

    List<Sent> sent = new CopyOnWriteArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    Client onDrained = writer.on(draining);
    Thread inFlight = new Thread(() -> {
      for (int i = 0; writing.get(); i++) {
        sent.add(write(onDrained, i));
        ResumeDrill.pause(Duration.ofMillis(5));
      }
    });
    inFlight.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() >= 5);

    draining.process().destroy(); // SIGTERM
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> notReady(draining));
    refusesNewConnections(draining);

    List<Client.Stream> sockets = new ArrayList<>(drill.screens());
    sockets.add(agent);
    for (Client.Stream s : sockets) {
      await().atMost(Duration.ofSeconds(15)).until(() -> s.closedWith() != null);
      assertTrue(s.closedWith().startsWith("1013"), "closed with 1013 (resume later), not " + s.closedWith());
    }
    // The node still serves HTTP for the shutdown delay after its last close: the write under way gets its answer.
    writing.set(false);
    inFlight.join(70_000);
    long sseEnded = sse.ended.get(15, TimeUnit.SECONDS); // the stream ends (the browser reconnects elsewhere)
    assertTrue(draining.process().waitFor(30, TimeUnit.SECONDS), "the drained node exits within the grace period");

    List<Long> closes = new ArrayList<>(sockets.stream().map(s -> s.closedAtNanos).toList());
    closes.add(sseEnded);
    assertSpread(closes);
    everyWriteAnsweredAndJournaled(sent);
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertEquals("ended",
        writer.context(engaged).path("engagements").path(engagementId).path("status").asText(), "the engagement held there ended"));
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      Map<Integer, String> owners = bucketOwners();
      List<Integer> unowned = new ArrayList<>();
      owners.forEach((b, node) -> { if (node == null || node.equals(drainedId)) unowned.add(b); });
      assertEquals(List.of(), unowned, "buckets not (yet) held by another node");
    });

    drill.resumeOn(i -> two());
    drill.assertNothingLostOrDoubled("across the drain");
  }


  private String activeEngagement(Client c) {
    var it = c.context(engaged).path("engagements").fields();
    while (it.hasNext()) {
      var e = it.next();
      if ("active".equals(e.getValue().path("status").asText())) return e.getKey();
    }
    return null;
  }

  /** After SIGTERM: a new WebSocket is closed with 1013 at once, a new SSE stream answered 503 unavailable. */
  private void refusesNewConnections(Nodes.Node draining) {
    Client.Stream late = new Client(draining, agentToken).stream();
    await().atMost(Duration.ofSeconds(5)).until(() -> late.closedWith() != null);
    assertTrue(late.closedWith().startsWith("1013"), "a WebSocket opened while draining: " + late.closedWith());
    Client.Answer sse = new Client(draining, agentToken).get("/v1/customers/" + customer + "/events");
    assertEquals(503, sse.status(), "an SSE stream opened while draining: " + sse.body());
    assertEquals("unavailable", sse.body().path("code").asText(), sse.body().toString());
  }

  /**
   * The closes are spread over the window, not all at once: the first and the last lie at least half the window
   * apart (the drain spaces n closes by window / n, so they lie (n-1)/n of it apart). A spread check, not a speed check.
   */
  private static void assertSpread(List<Long> closedAtNanos) {
    assertTrue(closedAtNanos.stream().allMatch(t -> t > 0), "every close was seen");
    long first = closedAtNanos.stream().min(Long::compare).orElseThrow(), last = closedAtNanos.stream().max(Long::compare).orElseThrow();
    Duration span = Duration.ofNanos(last - first);
    assertTrue(span.compareTo(WINDOW.dividedBy(2)) >= 0,
        closedAtNanos.size() + " closes within " + span.toMillis() + " ms: not spread over the " + WINDOW.toMillis() + " ms window");
  }

  /** Each write got an answer: 200, or a typed refusal (never 500); PostgreSQL holds every acknowledged version. */
  private void everyWriteAnsweredAndJournaled(List<Sent> sent) {
    TreeSet<Long> acknowledged = new TreeSet<>();
    for (Sent s : sent) {
      if (s.failure() != null) continue; // checked below
      if (s.status() == 200) {
        acknowledged.add(s.version());
      } else {
        assertNotEquals(500, s.status(), "a write on the draining node: " + s);
        assertTrue(!s.code().isEmpty(), "a refusal carries its code: " + s);
      }
    }
    List<Sent> unanswered = sent.stream().filter(s -> s.failure() != null).toList();
    assertEquals(List.of(), unanswered, "writes sent to the draining node that got no answer");
    assertTrue(acknowledged.size() >= 5, "writes went through the draining node: " + sent.size());
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> Journal.versions(tenant, direct).containsAll(acknowledged));
  }

  private Sent write(Client c, int n) {
    try {
      Client.Answer a = c.post(direct, List.of(Map.of("op", "profile.set", "fields", Map.of("n", n))));
      JsonNode b = a.body();
      return new Sent(a.status(), b.path("code").asText(), b.path("version").asLong(-1), null);
    } catch (AssertionError noAnswer) {
      return new Sent(-1, "", -1, String.valueOf(noAnswer.getCause()));
    }
  }
}
