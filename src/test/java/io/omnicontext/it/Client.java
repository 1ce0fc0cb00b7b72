package io.omnicontext.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** One user of the service (a token on a node): REST calls and real WebSocket sessions. */
final class Client {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration PUSH_DEADLINE = Duration.ofSeconds(5);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Nodes.Node node;
  final String token;

  Client(Nodes.Node node, String token) {
    this.node = node;
    this.token = token;
  }

  Client on(Nodes.Node other) { return new Client(other, token); }

  record Answer(int status, JsonNode body) {}

  Answer post(String customerId, List<Map<String, Object>> ops) { return send("POST", "/v1/customers/" + customerId + "/changes", Map.of("ops", ops)); }

  Answer get(String path) { return send("GET", path, null); }

  /** POST changes with the body as given (JSON escapes such as a lone surrogate's \\ud800 reach the server as written). */
  Answer postRaw(String customerId, String json) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.base().resolve("/v1/customers/" + customerId + "/changes"))
          .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
    } catch (Exception e) {
      throw new AssertionError("POST " + customerId + " failed: " + e, e);
    }
  }

  /** POST with an Idempotency-Key. */
  Answer post(String customerId, List<Map<String, Object>> ops, String idempotencyKey) {
    return send("POST", "/v1/customers/" + customerId + "/changes", Map.of("ops", ops), idempotencyKey);
  }

  /** Every change of the customer, following next. */
  List<JsonNode> history(String customerId) {
    List<JsonNode> out = new java.util.ArrayList<>();
    long after = 0;
    for (int page = 0; page < 100; page++) {
      Answer a = get("/v1/customers/" + customerId + "/changes?after=" + after + "&limit=200");
      if (a.status() != 200) throw new AssertionError("GET changes answered " + a.status() + " " + a.body());
      a.body().path("changes").forEach(out::add);
      if (a.body().path("next").isNull()) return out;
      after = a.body().path("next").asLong();
    }
    throw new AssertionError("history did not end within 100 pages");
  }

  JsonNode context(String customerId) {
    Answer a = get("/v1/customers/" + customerId + "/context");
    if (a.status() != 200) throw new AssertionError("GET context answered " + a.status() + " " + a.body());
    return a.body();
  }

  /** POST that must answer 200. */
  JsonNode commit(String customerId, List<Map<String, Object>> ops) {
    Answer a = post(customerId, ops);
    if (a.status() != 200) throw new AssertionError("POST changes answered " + a.status() + " " + a.body());
    return a.body();
  }

  Answer send(String method, String path) { return send(method, path, null, null); }

  Answer send(String method, String path, Object body) { return send(method, path, body, null); }


  /** The status of an unauthenticated GET (health). */
  static int status(URI uri) {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new AssertionError("GET " + uri + " failed: " + e, e);
    }
  }

  /** The body of an unauthenticated GET (metrics). */
  static String text(URI uri) {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new AssertionError("GET " + uri + " failed: " + e, e);
    }
  }

  /** The JSON of an unauthenticated GET (health). */
  static JsonNode json(URI uri) {
    try {
      return JSON.readTree(HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      throw new AssertionError("GET " + uri + " failed: " + e, e);
    }
  }

  private Answer send(String method, String path, Object body, String idempotencyKey) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(node.base().resolve(path)).timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + token);
      if (idempotencyKey != null) b = b.header("Idempotency-Key", idempotencyKey);
      b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody()) : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    }
  }

  Stream stream() { return new Stream(this); }

  /** An SSE stream of a customer (?access_token, as a browser's EventSource), recording each event's data. */
  Events events(String customerId, long after) { return new Events(this, customerId, after); }

  /** The data of every event of one SSE stream, read on a thread of its own; waits have deadlines. */
  static final class Events implements AutoCloseable {
    final List<String> data = new CopyOnWriteArrayList<>();
    /** Completes with System.nanoTime() when the server ended the stream (or it failed). */
    final java.util.concurrent.CompletableFuture<Long> ended = new java.util.concurrent.CompletableFuture<>();
    private final java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;

    Events(Client c, String customerId, long after) {
      URI uri = c.node.base().resolve("/v1/customers/" + customerId + "/events?after=" + after + "&access_token=" + c.token);
      response = HTTP.sendAsync(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
      response.thenAcceptAsync(r -> r.body().forEach(line -> {
        if (line.startsWith("data:")) {
          data.add(line.substring(5).trim());
          synchronized (this) { notifyAll(); }
        }
      })).whenComplete((x, err) -> ended.complete(System.nanoTime()));
    }

    /** The first event data containing {@code text}, waiting up to the push deadline. */
    String await(String text, String what) {
      long deadline = System.nanoTime() + PUSH_DEADLINE.toNanos();
      synchronized (this) {
        while (true) {
          for (String d : data) if (d.contains(text)) return d;
          long left = deadline - System.nanoTime();
          if (left <= 0) throw new AssertionError("no SSE event with " + what + " within " + PUSH_DEADLINE.toMillis() + " ms; events: " + data);
          try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
          }
        }
      }
    }

    @Override
    public void close() { response.thenAccept(r -> r.body().close()); response.cancel(true); }
  }

  /** A WebSocket on /v1/stream recording every frame; waits have deadlines and name what they waited for. */
  static final class Stream implements WebSocket.Listener, AutoCloseable {
    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private volatile String closed;
    /** System.nanoTime() when the close (or the drop) arrived. */
    volatile long closedAtNanos;
    private final WebSocket ws;
    private final StringBuilder partial = new StringBuilder();
    private int requests;

    Stream(Client c) {
      URI uri = URI.create(c.node.base().toString().replaceFirst("^http", "ws") + "/v1/stream");
      ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + c.token).connectTimeout(Duration.ofSeconds(5))
          .buildAsync(uri, this).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonNode frame;
        try {
          frame = JSON.readTree(partial.toString());
        } catch (Exception e) {
          frame = JSON.createObjectNode().put("type", "<not JSON>");
        }
        frames.add(frame);
        ReceivedFrames.record(frame); // FramesCheck holds every frame of the suite against the AsyncAPI document
        partial.setLength(0);
        synchronized (this) { notifyAll(); }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closedAtNanos = System.nanoTime();
      closed = statusCode + " " + reason;
      synchronized (this) { notifyAll(); }
      return null;
    }

    /** The connection dropped without a close frame (its node died): as the browser's 1006. */
    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closedAtNanos = System.nanoTime();
      closed = "1006 " + error;
      synchronized (this) { notifyAll(); }
    }

    /** "code reason" once the server closed the connection (1006 if it dropped), else null. */
    String closedWith() { return closed; }

    /** Sends a frame; returns its id. */
    String send(Map<String, Object> frame) {
      String id = "r" + (++requests);
      var f = new java.util.LinkedHashMap<String, Object>(frame);
      f.put("id", id);
      try {
        ws.sendText(JSON.writeValueAsString(f), true).orTimeout(5, TimeUnit.SECONDS).join();
      } catch (Exception e) {
        throw new AssertionError("send failed: " + e, e);
      }
      return id;
    }

    /** Sends a frame if the socket still takes one (a flood test sends until the server closes). */
    void trySend(Map<String, Object> frame) {
      try {
        send(frame);
      } catch (AssertionError closedMeanwhile) {
        // the server closed the connection: closedWith() says how
      }
    }

    /** Subscribes to a customer and waits for subscribed (and the snapshot): returns the frame index after them. */
    int subscribe(String customerId) {
      String id = send(Map.of("type", "subscribe", "customerId", customerId));
      await(f -> f.path("type").asText().equals("snapshot") && f.path("customerId").asText().equals(customerId), "snapshot of " + customerId);
      await(f -> id.equals(f.path("id").asText()) && f.path("type").asText().equals("subscribed"), "subscribed " + customerId);
      return frames.size();
    }

    int subscribeTeam(String team) {
      send(Map.of("type", "subscribe", "team", team));
      await(f -> f.path("type").asText().equals("snapshot") && f.path("team").asText().equals(team), "snapshot of team " + team);
      return frames.size();
    }

    /** The first frame matching, waiting up to the push deadline. */
    JsonNode await(Predicate<JsonNode> match, String what) { return await(match, what, PUSH_DEADLINE); }

    /** The first frame matching, waiting up to {@code within}. */
    JsonNode await(Predicate<JsonNode> match, String what, Duration within) {
      long deadline = System.nanoTime() + within.toNanos();
      synchronized (this) {
        while (true) {
          for (JsonNode f : frames) if (match.test(f)) return f;
          if (closed != null) throw new AssertionError("no " + what + ": the server closed the connection (" + closed + "); frames: " + frames);
          long left = deadline - System.nanoTime();
          if (left <= 0) throw new AssertionError("no " + what + " within " + within.toMillis() + " ms; frames: " + frames);
          try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
          }
        }
      }
    }

    /** Change frames of a customer, in arrival order. */
    List<Long> versions(String customerId) {
      return frames.stream().filter(f -> f.path("type").asText().equals("change") && f.path("customerId").asText().equals(customerId))
          .map(f -> f.path("version").asLong()).toList();
    }

    @Override
    public void close() { ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join(); }
  }
}
