package io.omnicontext.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The screen's checks against a real WebSocket server that plays a scripted stream: a wrong stream must show as
 * lost, duplicated, out of order or refused, a right one as clean. (Otherwise bin/bench smoke could not fail.)
 */
class ScreenCheckTests {
  private Vertx vertx;
  private HttpServer server;
  private List<String> script;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(text -> {
      Frame subscribe = Frame.parse(text);
      for (String line : script) {
        ws.writeTextMessage(line.replace("$ID", subscribe.id).replace("$C", subscribe.customerId));
      }
    }));
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String change(int v) { return "{\"type\":\"change\",\"customerId\":\"$C\",\"version\":" + v + ",\"op\":\"x\",\"data\":{\"version\":99}}"; }

  private static final String SUBSCRIBED = "{\"type\":\"subscribed\",\"id\":\"$ID\",\"customerId\":\"$C\",\"version\":0}";
  private static final String SNAPSHOT = "{\"type\":\"snapshot\",\"customerId\":\"$C\",\"version\":0,\"context\":{\"version\":7}}";

  /** Opens one screen on the scripted server, with versions 1..answered written; the tally once `frames` arrived. */
  private Screen watch(int answered, int frames) throws Exception {
    Customer c = new Customer("c-1");
    Phase phase = new Phase("test");
    for (int v = 1; v <= answered; v++) c.answered(v, System.nanoTime(), phase);
    Screen s = new Screen(c, new Screen.Endpoint(vertx, vertx.createWebSocketClient(new WebSocketClientOptions()),
        "127.0.0.1", server.actualPort(), "t"));
    s.open(false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + 10_000;
    while (s.tally().received() + s.tally().duplicated() < frames && System.currentTimeMillis() < deadline) Thread.sleep(10);
    return s;
  }

  @Test
  void aCleanStreamIsClean() throws Exception {
    script = List.of(SUBSCRIBED, SNAPSHOT, change(1), change(2), change(3));
    Screen s = watch(3, 3);
    Screen.Tally t = s.tally();
    assertEquals(3, t.expected());
    assertEquals(3, t.received());
    assertEquals(0, t.lost() + t.duplicated() + t.outOfOrder() + t.refusals());
    assertEquals(true, Totals.of(List.of(s)).clean());
  }

  @Test
  void missingRepeatedAndLateVersionsAreCounted() throws Exception {
    script = List.of(SUBSCRIBED, SNAPSHOT, change(1), change(2), change(2), change(4), change(3));
    Screen s = watch(5, 5);
    Screen.Tally t = s.tally();
    assertEquals(false, Totals.of(List.of(s)).clean());
    assertEquals(5, t.expected());
    assertEquals(4, t.received());
    assertEquals(1, t.lost(), "version 5 never came");
    assertEquals(1, t.duplicated(), "version 2 came twice");
    assertEquals(2, t.outOfOrder(), "4 came before 3, then 3 after 4");
  }

  @Test
  void aChangeAlreadyInTheSnapshotIsADuplicate() throws Exception {
    script = List.of(SUBSCRIBED.replace("\"version\":0", "\"version\":2"), SNAPSHOT.replace("\"version\":0", "\"version\":2"),
        change(2), change(3));
    Screen.Tally t = watch(3, 2).tally();
    assertEquals(1, t.expected());
    assertEquals(1, t.duplicated());
    assertEquals(0, t.lost());
  }

  @Test
  void anErrorFrameForTheSubscribeIsARefusal() throws Exception {
    script = List.of("{\"type\":\"error\",\"id\":\"$ID\",\"code\":\"unavailable\",\"message\":\"could not subscribe now; retry\"}");
    Screen s = watch(0, 0);
    Screen.Tally t = s.tally();
    assertEquals(1, t.refusals());
    assertEquals(false, t.subscribed());
    assertEquals(false, Totals.of(List.of(s)).clean());
  }
}
