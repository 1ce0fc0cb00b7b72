package io.omnicontext.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    Client writer = new Client(Nodes.one(), Tokens.mint(tenant, "integration", "crm", "system", null));
    ResumeDrill drill = new ResumeDrill(draining, writer, Tokens.mint(tenant, "agent", "agent-1", "voice", null), customer, 8);

    draining.process().destroy(); // SIGTERM
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
        .until(() -> notReady(draining));
    for (Client.Stream s : drill.screens()) {
      await().atMost(Duration.ofSeconds(15)).until(() -> s.closedWith() != null);
      assertTrue(s.closedWith().startsWith("1013"), "closed with 1013 (resume later), not " + s.closedWith());
    }
    assertTrue(draining.process().waitFor(30, TimeUnit.SECONDS), "the drained node exits within the grace period");

    drill.resumeOn(i -> Nodes.two());
    drill.assertNothingLostOrDoubled("across the drain");
  }
}
