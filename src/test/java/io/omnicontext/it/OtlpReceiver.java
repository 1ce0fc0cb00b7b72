package io.omnicontext.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver (http/protobuf) on a loopback port, for a node the test points its exporter at. It
 * keeps every request body as received, and reads the spans out of them with a reader of the few protobuf fields
 * of `ExportTraceServiceRequest` it needs (trace and span ids, parent, name, string and int attributes, links).
 */
final class OtlpReceiver implements AutoCloseable {
  /** One exported span; ids in hex as the W3C trace context writes them. */
  record Span(String traceId, String spanId, String parentSpanId, String name, Map<String, Object> attributes, List<String> linkedTraces) {}

  private final HttpServer server;
  final List<byte[]> bodies = new CopyOnWriteArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
        bodies.add((gzip ? new GZIPInputStream(in) : in).readAllBytes());
      }
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse: all accepted
      exchange.close();
    });
    server.start();
  }

  String endpoint() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

  /** Whether any exported byte sequence contains this text (UTF-8), anywhere: names, attributes, events. */
  boolean anyBodyContains(String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    for (byte[] body : bodies) if (indexOf(body, needle) >= 0) return true;
    return false;
  }

  List<Span> spans() {
    List<Span> out = new ArrayList<>();
    for (byte[] body : bodies) {
      for (Field resourceSpans : fields(body)) {
        if (resourceSpans.number != 1) continue;
        for (Field scopeSpans : fields(resourceSpans.bytes)) {
          if (scopeSpans.number != 2) continue;
          for (Field span : fields(scopeSpans.bytes)) if (span.number == 2) out.add(span(span.bytes));
        }
      }
    }
    return out;
  }

  private static Span span(byte[] b) {
    String trace = "", id = "", parent = "", name = "";
    Map<String, Object> attributes = new LinkedHashMap<>();
    List<String> links = new ArrayList<>();
    for (Field f : fields(b)) {
      switch (f.number) {
        case 1 -> trace = HexFormat.of().formatHex(f.bytes);
        case 2 -> id = HexFormat.of().formatHex(f.bytes);
        case 4 -> parent = HexFormat.of().formatHex(f.bytes);
        case 5 -> name = new String(f.bytes, StandardCharsets.UTF_8);
        case 9 -> attribute(f.bytes, attributes);
        case 13 -> fields(f.bytes).stream().filter(l -> l.number == 1).findFirst().ifPresent(l -> links.add(HexFormat.of().formatHex(l.bytes)));
        default -> { }
      }
    }
    return new Span(trace, id, parent, name, attributes, links);
  }

  /** KeyValue {key = 1; AnyValue value = 2 {string_value = 1; bool_value = 2; int_value = 3}}. */
  private static void attribute(byte[] kv, Map<String, Object> into) {
    String key = null;
    Object value = null;
    for (Field f : fields(kv)) {
      if (f.number == 1) key = new String(f.bytes, StandardCharsets.UTF_8);
      if (f.number == 2) {
        for (Field v : fields(f.bytes)) {
          if (v.number == 1 && v.bytes != null) value = new String(v.bytes, StandardCharsets.UTF_8);
          if (v.number == 3 || v.number == 2) value = v.varint;
        }
      }
    }
    if (key != null) into.put(key, value);
  }

  /** One protobuf field: its number, and its bytes (length-delimited) or its varint. */
  private record Field(int number, byte[] bytes, long varint) {}

  private static List<Field> fields(byte[] b) {
    List<Field> out = new ArrayList<>();
    int[] at = {0};
    while (at[0] < b.length) {
      long tag = varint(b, at);
      int number = (int) (tag >>> 3), wire = (int) (tag & 7);
      switch (wire) {
        case 0 -> out.add(new Field(number, null, varint(b, at)));
        case 1 -> { out.add(new Field(number, slice(b, at[0], 8), 0)); at[0] += 8; }
        case 2 -> {
          int len = (int) varint(b, at);
          out.add(new Field(number, slice(b, at[0], len), 0));
          at[0] += len;
        }
        case 5 -> { out.add(new Field(number, slice(b, at[0], 4), 0)); at[0] += 4; }
        default -> throw new IllegalStateException("protobuf wire type " + wire + " at " + at[0]);
      }
    }
    return out;
  }

  private static long varint(byte[] b, int[] at) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b[at[0]++];
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) return v;
    }
  }

  private static byte[] slice(byte[] b, int from, int len) {
    byte[] out = new byte[len];
    System.arraycopy(b, from, out, 0, len);
    return out;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  @Override
  public void close() { server.stop(0); }

  /** For failure messages: every span, one line each. */
  static String describe(List<Span> spans) {
    StringBuilder sb = new StringBuilder();
    for (Span s : spans) sb.append("\n  ").append(s.name()).append(" trace=").append(s.traceId()).append(' ').append(s.attributes());
    return sb.toString();
  }
}
