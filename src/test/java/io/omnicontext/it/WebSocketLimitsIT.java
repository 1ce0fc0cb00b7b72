package io.omnicontext.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** Issue 9 defect 6: a frame over the limit closed the socket with 1006 (a reset) instead of the contract's 1009. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WebSocketLimitsIT {
  private final String tenant = Tokens.newTenant();
  private final String token = Tokens.mint(tenant, "agent", "agent-1", "voice", null);

  /** A raw client that records the close code the server sent. */
  private static final class Closing implements WebSocket.Listener {
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override public void onError(WebSocket ws, Throwable error) { closed.complete(1006); }
  }

  private WebSocket open(Closing listener) {
    URI uri = URI.create(Nodes.two().base().toString().replaceFirst("^http", "ws") + "/v1/stream?access_token=" + token);
    return HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, listener)
        .orTimeout(10, TimeUnit.SECONDS).join();
  }

  @Test
  void a_4_mib_frame_is_closed_with_1009() {
    Closing listener = new Closing();
    WebSocket ws = open(listener);
    ws.sendText("{\"type\":\"ping\",\"id\":\"" + "x".repeat(4 << 20) + "\"}", true); // may fail once the server closed
    assertEquals(1009, listener.closed.orTimeout(15, TimeUnit.SECONDS).join());
  }

  @Test
  void a_message_over_the_limit_in_small_fragments_is_closed_with_1009() {
    Closing listener = new Closing();
    WebSocket ws = open(listener);
    String part = "x".repeat(40 << 10);
    ws.sendText("{\"type\":\"ping\",\"id\":\"" + part, false).orTimeout(5, TimeUnit.SECONDS).join();
    ws.sendText(part, false).orTimeout(5, TimeUnit.SECONDS).join();
    ws.sendText("\"}", true);
    assertEquals(1009, listener.closed.orTimeout(15, TimeUnit.SECONDS).join());
  }

  @Test
  void a_frame_within_the_limit_is_served_and_the_node_serves_on_after_a_1009() {
    a_4_mib_frame_is_closed_with_1009();
    try (var s = new Client(Nodes.two(), token).stream()) {
      String id = s.send(Map.of("type", "ping", "pad", "y".repeat(60 << 10)));
      s.await(f -> "pong".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), "pong to a 60 KiB frame");
    }
  }
}
