package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * omnicontext.push.max-connections: a full node sends new connections elsewhere as a draining node does (WebSocket
 * 1013, SSE 503 unavailable) instead of growing past its memory, and takes them again once one closed.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class NodeCapacityIT {
  private static Nodes.Node node;

  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");

  @BeforeAll
  static void start() { node = Nodes.startExtra("capacity", Map.of("OMNICONTEXT_PUSH_MAX_CONNECTIONS", "2")); }

  @AfterAll
  static void stop() { node.process().destroy(); }

  private Client agent(String sub) { return new Client(node, Tokens.mint(tenant, "agent", sub, "voice", null)); }

  @Test
  void a_full_node_refuses_the_next_connection_with_1013_or_503_and_takes_one_again_after_a_close() throws Exception {
    agent("writer").commit(customer, List.of(Map.of("op", "profile.set", "fields", Map.of("n", 1))));
    // distinct tokens: the per-token connection limit is not what is tested
    Client.Stream first = agent("a-1").stream();
    first.subscribe(customer);
    Client.Stream second = agent("a-2").stream();
    second.subscribe(customer);

    Client.Stream third = agent("a-3").stream();
    await().atMost(Duration.ofSeconds(5)).until(() -> third.closedWith() != null);
    assertTrue(third.closedWith().startsWith("1013"), "a WebSocket past the node's size: " + third.closedWith());
    Client.Answer sse = agent("a-4").get("/v1/customers/" + customer + "/events");
    assertEquals(503, sse.status(), "an SSE stream past the node's size: " + sse.body());
    assertEquals("unavailable", sse.body().path("code").asText(), sse.body().toString());
    assertNull(first.closedWith(), "the connections already open stay open");

    first.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      try (Client.Stream again = agent("a-5").stream()) {
        again.subscribe(customer);
        return again.closedWith() == null;
      } catch (AssertionError refusedStill) {
        return false;
      }
    });
    second.close();
  }
}
