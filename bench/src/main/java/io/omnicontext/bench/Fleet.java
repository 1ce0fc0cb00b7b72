package io.omnicontext.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The screens of a run, and the WebSocket clients they connect through: one client per source address
 * (127.0.0.1, 127.0.0.2, ...), since one source address has only ~28k ephemeral ports towards one node.
 */
final class Fleet {
  private final Vertx vertx;
  private final List<Node> nodes;
  private final java.util.function.Supplier<String> tokens;
  private final List<WebSocketClient> clients = new ArrayList<>();
  final List<Screen> screens = new ArrayList<>();

  /** tokens: a token for each new screen (each its own `sub`, see Bench). */
  Fleet(Vertx vertx, List<Node> nodes, java.util.function.Supplier<String> tokens, int sourceAddresses) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.tokens = tokens;
    for (int i = 1; i <= sourceAddresses; i++) {
      WebSocketClientOptions o = new WebSocketClientOptions().setMaxConnections(1_000_000).setConnectTimeout(30_000)
          .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20).setTcpNoDelay(true).setIdleTimeout(0);
      if (sourceAddresses > 1) o.setLocalAddress("127.0.0." + i);
      clients.add(vertx.createWebSocketClient(o));
    }
  }

  /**
   * `perCustomer` new screens for each customer. Screen r of customer c goes to node (c + r) mod nodes, so a
   * customer's screens sit on every node and each write crosses nodes; source addresses are used in turn.
   */
  List<Screen> add(List<Customer> customers, int perCustomer) {
    List<Screen> added = new ArrayList<>();
    int base = screens.size();   // keeps screens added in several batches balanced over the nodes
    for (int r = 0; r < perCustomer; r++) {
      for (int c = 0; c < customers.size(); c++) {
        Node node = nodes.get((c + r + base) % nodes.size());
        WebSocketClient client = clients.get(screens.size() % clients.size());
        Screen s = new Screen(customers.get(c), new Screen.Endpoint(vertx, client, node.host(), node.port(), tokens.get()));
        screens.add(s);
        added.add(s);
      }
    }
    return added;
  }

  /** Opens (or resumes) the screens, at most `concurrency` handshakes at a time; waits at most `timeoutMs` in all. */
  static boolean open(List<Screen> which, boolean resume, int concurrency, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Semaphore permits = new Semaphore(concurrency);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Screen s : which) {
      if (!permits.tryAcquire(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) return false;
      all.add(s.open(resume).onComplete(ar -> permits.release()).toCompletionStage().toCompletableFuture());
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  static void closeAll(List<Screen> which, boolean forGood, long timeoutMs) {
    List<Future<Void>> all = new ArrayList<>();
    for (Screen s : which) all.add(s.close(forGood));
    try {
      Future.join(all).toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // sockets that do not close in time are dropped with the process
    }
  }

  /** Waits until every subscribed screen has every version up to its customer's last answered one, or the grace ends. */
  static boolean awaitCaughtUp(List<Screen> which, long graceMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + graceMs;
    while (true) {
      boolean all = true;
      for (Screen s : which) {
        if (s.live() && !s.caughtUp(s.customer.maxAnswered())) { all = false; break; }
      }
      if (all) return true;
      if (System.currentTimeMillis() > deadline) return false;
      Thread.sleep(20);
    }
  }

  void close() {
    closeAll(screens, true, 10_000);
    for (WebSocketClient c : clients) c.close();
  }
}
