package io.omnicontext.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.BitSet;

/**
 * One screen: a WebSocket subscribed to one customer, checking what the contract promises of its frames: after
 * `subscribed` (and the `snapshot`) every change in version order, gap-free, no duplicates. A resume subscribes again
 * with `after` = the last version seen. Callbacks run on the socket's event loop; the scenario reads the tallies.
 */
final class Screen {
  enum State { NEW, CONNECTING, SUBSCRIBING, LIVE, REFUSED, FAILED, DROPPED, CLOSED }

  /** Where a screen connects: one node, through the client bound to one source address. */
  record Endpoint(Vertx vertx, WebSocketClient client, String host, int port, String token) {}

  /** What a screen saw, read once the scenario has quiesced. */
  record Tally(boolean connected, boolean subscribed, long refusals, boolean failed, long expected, long received, long lost,
               long duplicated, long outOfOrder, long serverCloses, long resumeSnapshots, String problem) {}

  final Customer customer;
  private final Endpoint endpoint;
  private WebSocket socket;
  private State state = State.NEW;
  private int requests;
  private String subscribeId;
  private Promise<Void> subscribing;
  private boolean resumeOnServerClose = true;   // what the contract asks of a client on 1013
  private boolean retryRefused;
  private long refusals;
  // the version line as seen: base0 = version of the first `subscribed`; seen bit i = version base0 + i
  private long base0 = -1;
  private long highest;
  private long contiguous;
  private long subscribedVersion;
  private final BitSet seen = new BitSet();
  private long received, duplicated, outOfOrder, serverCloses, resumeSnapshots;
  private String problem;
  private long subscribedAtNanos;
  private long inStepAtNanos;

  Screen(Customer customer, Endpoint endpoint) {
    this.customer = customer;
    this.endpoint = endpoint;
  }

  /** Connects and subscribes (`after` when resuming); completes once subscribed, refused or failed: see the tally. */
  synchronized Future<Void> open(boolean resume) {
    socket = null;   // a late close event of the socket before is no longer this screen's business
    state = State.CONNECTING;
    subscribing = Promise.promise();
    inStepAtNanos = 0;
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(endpoint.host()).setPort(endpoint.port())
        .setURI("/v1/stream").addHeader("Authorization", "Bearer " + endpoint.token());
    Promise<Void> done = subscribing;
    endpoint.client().connect(options).onComplete(ar -> {
      if (ar.succeeded()) connected(ar.result(), resume);
      else failed("connect: " + ar.cause().getMessage());
    });
    return done.future();
  }

  private synchronized void connected(WebSocket ws, boolean resume) {
    socket = ws;
    state = State.SUBSCRIBING;
    ws.textMessageHandler(this::onFrame);
    ws.closeHandler(v -> onClose(ws));
    ws.exceptionHandler(e -> { synchronized (this) { if (problem == null) problem = "socket: " + e.getMessage(); } });
    subscribe(resume);
  }

  private synchronized void subscribe(boolean resume) {
    if (socket == null || state != State.SUBSCRIBING) return;
    subscribeId = "s" + (++requests);
    String after = resume && base0 >= 0 ? ",\"after\":" + highest : "";
    socket.writeTextMessage("{\"type\":\"subscribe\",\"id\":\"" + subscribeId + "\",\"customerId\":\"" + customer.id + "\"" + after + "}");
  }

  private synchronized void failed(String why) {
    state = State.FAILED;
    if (problem == null) problem = why;
    subscribing.tryComplete();
  }

  private void onFrame(String text) {
    long now = System.nanoTime();
    Frame f;
    try {
      f = Frame.parse(text, true);
    } catch (IllegalArgumentException e) {
      synchronized (this) { if (problem == null) problem = "unreadable frame: " + text.substring(0, Math.min(120, text.length())); }
      return;
    }
    if ("change".equals(f.type)) change(f.version, now);
    else if ("subscribed".equals(f.type)) subscribed(f.version, now);
    else if ("snapshot".equals(f.type)) snapshot(f.version, now);
    else if ("error".equals(f.type)) error(f);
  }

  private synchronized void subscribed(long version, long now) {
    if (base0 < 0) { base0 = version; highest = version; contiguous = version; }
    subscribedVersion = version;
    subscribedAtNanos = now;
    state = State.LIVE;
    checkInStep(now);
    subscribing.tryComplete();
  }

  /** A snapshot stands for every version up to its own (first subscribe, or a resume too old to replay). */
  private synchronized void snapshot(long version, long now) {
    if (base0 < 0) return;
    if (version > contiguous) {
      if (received > 0 || version > base0) resumeSnapshots++;
      seen.set(1, (int) (version - base0) + 1);
      contiguous = version;
      highest = Math.max(highest, version);
    }
    checkInStep(now);
  }

  private void change(long version, long now) {
    boolean fresh;
    synchronized (this) {
      if (base0 < 0 || version < 0) { if (problem == null) problem = "change before subscribed"; return; }
      int bit = (int) (version - base0);
      fresh = bit > 0 && !seen.get(bit);
      if (!fresh) duplicated++;
      else {
        if (version != highest + 1) outOfOrder++;
        seen.set(bit);
        received++;
        highest = Math.max(highest, version);
        while (seen.get((int) (contiguous - base0) + 1)) contiguous++;
        checkInStep(now);
      }
    }
    if (fresh) customer.arrived(version, now);
  }

  private synchronized void error(Frame f) {
    if (subscribeId != null && subscribeId.equals(f.id) && state == State.SUBSCRIBING) {
      refusals++;
      problem = "subscribe refused: " + f.code + " (" + f.message + ")";
      if (retryRefused && "unavailable".equals(f.code)) {   // what the message asks a client to do
        boolean resume = base0 >= 0;
        endpoint.vertx().setTimer(200, t -> subscribe(resume));
        return;
      }
      state = State.REFUSED;
      subscribing.tryComplete();
    } else if (problem == null) {
      problem = "error frame: " + f.code + " (" + f.message + ")";
    }
  }

  private void checkInStep(long now) {
    if (inStepAtNanos == 0 && state == State.LIVE && contiguous >= subscribedVersion) inStepAtNanos = now;
  }

  private void onClose(WebSocket ws) {
    boolean resume;
    synchronized (this) {
      if (ws != socket) return;
      if (state == State.DROPPED || state == State.CLOSED) return;   // we closed it
      serverCloses++;
      if (problem == null) problem = "closed by the server: " + ws.closeStatusCode() + " " + ws.closeReason();
      boolean wasLive = state == State.LIVE;
      Short code = ws.closeStatusCode();
      // 4401/4403/1009 say "do not come back like this"; 1013 and the rest: reconnect and resume
      resume = resumeOnServerClose && wasLive && (code == null || (code < 4000 && code != 1009));
      state = wasLive ? State.DROPPED : State.FAILED;
      subscribing.tryComplete();
    }
    if (resume) endpoint.vertx().setTimer(100, t -> open(true));   // what a client does on 1013: reconnect, resume
  }

  synchronized void resumeOnServerClose(boolean on) { resumeOnServerClose = on; }

  /** Retry a subscribe refused as `unavailable` (200 ms later, on the same socket), as its message asks. */
  synchronized void retryRefused(boolean on) { retryRefused = on; }

  /** Closes the socket as a screen that goes away would (resume-storm drops, end of a run). */
  synchronized Future<Void> close(boolean forGood) {
    State was = state;
    state = forGood ? State.CLOSED : State.DROPPED;
    if (socket == null || was == State.FAILED || was == State.REFUSED) return Future.succeededFuture();
    return socket.close();
  }

  synchronized boolean live() { return state == State.LIVE; }

  /** Subscribed and every version up to the one `subscribed` announced is here (the resume replay is done). */
  synchronized boolean inStep() { return inStepAtNanos != 0; }

  /** In step, or refused / failed for good: nothing more to wait for. */
  synchronized boolean settled() { return inStepAtNanos != 0 || state == State.REFUSED || state == State.FAILED; }

  synchronized long inStepAtNanos() { return inStepAtNanos; }

  synchronized long subscribedAtNanos() { return subscribedAtNanos; }

  /** Every version up to `upTo` is here. */
  synchronized boolean caughtUp(long upTo) { return contiguous >= upTo; }

  synchronized Tally tally() {
    long expectedUpTo = customer.maxAnswered();
    boolean sub = base0 >= 0;
    long expected = sub ? Math.max(0, expectedUpTo - base0) : 0;
    long have = sub && expected > 0 ? seen.get(1, (int) expected + 1).cardinality() : 0;
    boolean connected = socket != null && (state == State.SUBSCRIBING || state == State.LIVE || state == State.REFUSED);
    return new Tally(connected, sub, refusals, state == State.FAILED && !sub, expected, received, expected - have,
        duplicated, outOfOrder, serverCloses, resumeSnapshots, problem);
  }
}
