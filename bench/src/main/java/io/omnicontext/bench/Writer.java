package io.omnicontext.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * REST writes (`POST /v1/customers/{id}/changes`, one op each), spread over the nodes. The send time is taken just
 * before the request is handed to the client; the answer's version names the change the screens will see.
 */
final class Writer {
  private final Vertx vertx;
  private final List<Node> nodes;
  private final HttpClient http;
  private final List<String> tokens;
  private final String op;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private final boolean trackVersions;

  /** tokens: the write n goes out under tokens[n mod size], so no one token meets the per-token write rate. */
  Writer(Vertx vertx, List<Node> nodes, List<String> tokens, String op, int maxInFlight, int connectionsPerNode, boolean trackVersions) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.tokens = tokens;
    this.op = op;
    this.maxInFlight = maxInFlight;
    this.trackVersions = trackVersions;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
            .setConnectTimeout(10_000).setIdleTimeout(60),
        new PoolOptions().setHttp1MaxSize(connectionsPerNode).setMaxWaitQueueSize(-1));
  }

  /** Open loop: `rate` writes/s for `seconds`, round robin over the customers, whatever the answers take. */
  void openLoop(List<Customer> customers, double rate, double seconds, Phase phase) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long total = Math.round(rate * seconds);
    phase.writeStartNanos = start;
    long[] issued = {0};
    vertx.runOnContext(x -> vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      long due = Math.min(total, (long) ((now - start) / 1e9 * rate));
      while (issued[0] < due) {
        if (inFlight.get() >= maxInFlight) { phase.writesBehind.add(due - issued[0]); issued[0] = due; break; }
        write(customers.get((int) (issued[0] % customers.size())), phase, null);
        issued[0]++;
      }
      if (issued[0] >= total || now >= end) {
        vertx.cancelTimer(id);
        phase.writeEndNanos = System.nanoTime();
        done.countDown();
      }
    }));
    if (!done.await((long) (seconds * 1000) + 30_000, TimeUnit.MILLISECONDS)) throw new IllegalStateException("the write timer stopped");
    drain(15_000);
  }

  /** Closed loop: `concurrency` writers, each sending its next write when the last one is answered, for `seconds`. */
  void closedLoop(List<Customer> customers, int concurrency, double seconds, Phase phase) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    phase.writeStartNanos = start;
    CountDownLatch done = new CountDownLatch(concurrency);
    AtomicLong next = new AtomicLong();
    for (int w = 0; w < concurrency; w++) {
      vertx.runOnContext(x -> loop(customers, next, end, phase, done));
    }
    if (!done.await((long) (seconds * 1000) + 30_000, TimeUnit.MILLISECONDS)) throw new IllegalStateException("writers did not finish");
    phase.writeEndNanos = System.nanoTime();
  }

  private void loop(List<Customer> customers, AtomicLong next, long end, Phase phase, CountDownLatch done) {
    if (System.nanoTime() >= end) { done.countDown(); return; }
    write(customers.get((int) (next.getAndIncrement() % customers.size())), phase, () -> loop(customers, next, end, phase, done));
  }

  private void write(Customer c, Phase phase, Runnable then) {
    long n = sequence.incrementAndGet();
    Buffer body = Buffer.buffer(body(n));
    inFlight.incrementAndGet();
    phase.writesSent.increment();
    long sent = System.nanoTime();
    Node node = nodes.get((int) (n % nodes.size()));
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setHost(node.host()).setPort(node.port())
        .setURI("/v1/customers/" + c.id + "/changes").setTimeout(30_000)
        .putHeader("Authorization", "Bearer " + tokens.get((int) (n % tokens.size()))).putHeader("Content-Type", "application/json");
    http.request(req)
        .compose(r -> r.send(body).compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) {
            phase.failed(resp.statusCode() + problemCode(b.toString()));
            return null;
          }
          long at = System.nanoTime();
          Frame answer = Frame.parse(b.toString(), true);
          Phase.record(phase.rest, at - sent);
          phase.writesOk.increment();
          if (trackVersions) c.answered(answer.version, sent, phase);
          return null;
        })))
        .onFailure(e -> phase.failed("io: " + e.getClass().getSimpleName()))
        .onComplete(ar -> {
          inFlight.decrementAndGet();
          if (then != null) then.run();
        });
  }

  private static String problemCode(String body) {
    try {
      String code = Frame.parse(body).code;
      return code == null ? "" : " " + code;
    } catch (IllegalArgumentException e) {
      return "";   // not a problem document
    }
  }

  private String body(long n) {
    if ("profile".equals(op)) return "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"benchSeq\":" + n + "}}]}";
    return "{\"ops\":[{\"op\":\"interaction.record\",\"interactionId\":\"i-" + n
        + "\",\"channel\":\"web\",\"kind\":\"page_view\",\"summary\":\"bench write " + n + "\"}]}";
  }

  /** Waits until every write sent has its answer (or timed out). */
  void drain(long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(10);
  }

  void close() { http.close(); }
}
