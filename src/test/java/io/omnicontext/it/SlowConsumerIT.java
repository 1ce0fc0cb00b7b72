package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Bounded outbound queues: a client that stops reading is closed with 1013; everyone else goes on. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SlowConsumerIT {
  private final String tenant = Tokens.newTenant();
  private final String customer = Tokens.newId("c");

  @Test
  void a_client_that_never_reads_during_a_write_storm_is_closed_with_1013_and_a_reading_client_gets_every_change() throws Exception {
    Nodes.Node node = Nodes.startExtra("slow-consumer", Map.of("OMNICONTEXT_PUSH_MAX_QUEUED_BYTES", "262144"));
    try {
      String token = Tokens.mint(tenant, "agent", "agent-1", "voice", null);
      Client agent = new Client(node, token);
      double slowBefore = Scrape.value(node, "omnicontext_slow_consumers_closed_total", "");
      double fullBefore = Scrape.value(node, "omnicontext_frames_dropped_total", "reason=\"queue_full\"");
      NeverReads stalled = new NeverReads(node, token, customer);
      try (var reader = agent.stream()) {
        reader.subscribe(customer);
        String text = "x".repeat(4000);
        long last = 0;
        for (int request = 0; request < 60; request++) {
          List<Map<String, Object>> ops = new ArrayList<>();
          for (int i = 0; i < 20; i++) ops.add(Map.of("op", "profile.set", "fields", Map.of("blob", text, "n", request * 20 + i)));
          Client.Answer a = agent.post(customer, ops);
          assertEquals(200, a.status(), "write " + request + ": " + a.body());
          last = a.body().path("version").asLong();
        }
        long expected = last;
        reader.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == expected, "the last change",
            Duration.ofSeconds(60));
        List<Long> versions = reader.versions(customer);
        assertEquals(java.util.stream.LongStream.rangeClosed(1, last).boxed().toList(), versions, "the reading client: every change once, in order");

        int code = stalled.readUntilClosed(Duration.ofSeconds(60));
        assertEquals(1013, code, "the stalled client is told to resume later");
        assertTrue(stalled.changesReceived() < last, "it was cut off before the storm ended (" + stalled.changesReceived() + " of " + last + ")");
        // the dashboard's slow-consumer and drop panels count it (checked live, not only that the series exist)
        assertEquals(slowBefore + 1, Scrape.value(node, "omnicontext_slow_consumers_closed_total", ""), "one slow consumer closed");
        assertTrue(Scrape.value(node, "omnicontext_frames_dropped_total", "reason=\"queue_full\"") > fullBefore, "frames dropped on the full queue");
      }
    } finally {
      node.process().destroy();
    }
  }

  /** A WebSocket that subscribes, then asks for no frame until told to (the JDK client stops reading the socket). */
  private static final class NeverReads implements WebSocket.Listener {
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicLong changes = new AtomicLong();
    private final WebSocket ws;

    NeverReads(Nodes.Node node, String token, String customer) throws Exception {
      URI uri = URI.create(node.base().toString().replaceFirst("^http", "ws") + "/v1/stream");
      ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token)
          .buildAsync(uri, this).get(10, TimeUnit.SECONDS);
      ws.sendText("{\"type\":\"subscribe\",\"id\":\"s\",\"customerId\":\"" + customer + "\"}", true).get(5, TimeUnit.SECONDS);
    }

    @Override public void onOpen(WebSocket webSocket) {} // no request(1): nothing is read

    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        if (partial.indexOf("\"type\":\"change\"") >= 0) changes.incrementAndGet();
        partial.setLength(0);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override public void onError(WebSocket webSocket, Throwable error) { closed.complete(-1); }

    int readUntilClosed(Duration within) throws Exception {
      ws.request(Long.MAX_VALUE);
      return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    long changesReceived() { return changes.get(); }
  }
}
