package io.omnicontext.it;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain HTTP for the operations ITs: any method, any headers, the raw answer (status, headers, text). */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  record Answer(int status, String contentType, Map<String, java.util.List<String>> headers, String body) {
    String header(String name) { return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
        .findFirst().map(e -> e.getValue().get(0)).orElse(null); }

    /** The media type without parameters ("application/json", not "...; charset=UTF-8"); null without a body type. */
    String mediaType() { return contentType == null ? null : contentType.split(";")[0].trim(); }
  }

  static Answer send(String method, URI uri, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.headers().map(), r.body());
    } catch (Exception e) {
      throw new AssertionError(method + " " + uri + " failed: " + e, e);
    }
  }

  static Answer get(URI uri) { return send("GET", uri, Map.of(), null); }

  /** Opens a stream (SSE), takes the status and headers, and closes it without reading on. */
  static Answer openAndClose(URI uri, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
    headers.forEach(b::header);
    try {
      HttpResponse<InputStream> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      r.body().close();
      return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.headers().map(), "");
    } catch (Exception e) {
      throw new AssertionError("GET " + uri + " failed: " + e, e);
    }
  }
}
