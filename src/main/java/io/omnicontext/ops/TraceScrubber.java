package io.omnicontext.ops;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps tenant data out of the spans the extension makes by itself (HTTP server, WebSocket, Redis client): a path
 * names a customer or a team (`/v1/customers/julia/changes`), a query may carry an access token or an identity
 * value (`?access_token=`, `customers:resolve?value=`), a Redis command names keys and carries whole contexts.
 * Those attributes are set when a span starts, so they are rewritten here before anything is exported: the path
 * with its ids replaced by their template names, the query, full URL and the caller's address dropped to a marker,
 * a Redis statement cut to its command name. The HTTP route (`http.route`, the template) stays as it is.
 */
@ApplicationScoped
public class TraceScrubber implements SpanProcessor {
  static final String REDACTED = "redacted";
  private static final List<AttributeKey<String>> PATHS = List.of(AttributeKey.stringKey("url.path"), AttributeKey.stringKey("http.target"));
  private static final List<AttributeKey<String>> DROPPED = List.of(AttributeKey.stringKey("url.query"), AttributeKey.stringKey("url.full"),
      AttributeKey.stringKey("http.url"),
      // the caller's address (a customer's device, in the shop's app): old and new semantic conventions
      AttributeKey.stringKey("client.address"), AttributeKey.stringKey("http.client_ip"), AttributeKey.stringKey("net.sock.peer.addr"),
      AttributeKey.stringKey("net.peer.ip"));
  /** On a server span the peer is the caller; on a client span (Redis, PostgreSQL) it is the store, which may stay. */
  private static final AttributeKey<String> PEER = AttributeKey.stringKey("network.peer.address");
  private static final List<AttributeKey<String>> STATEMENTS = List.of(AttributeKey.stringKey("db.statement"),
      AttributeKey.stringKey("db.query.text"));
  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
  private static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  private static final Pattern CUSTOMER = Pattern.compile("/customers/[^/?]+");
  private static final Pattern TEAM = Pattern.compile("/teams/[^/?]+");

  @Override
  public void onStart(Context parent, ReadWriteSpan span) {
    for (AttributeKey<String> k : PATHS) {
      String v = span.getAttribute(k);
      if (v != null) span.setAttribute(k, path(v));
    }
    for (AttributeKey<String> k : DROPPED) if (span.getAttribute(k) != null) span.setAttribute(k, REDACTED);
    if (span.getKind() == io.opentelemetry.api.trace.SpanKind.SERVER && span.getAttribute(PEER) != null) span.setAttribute(PEER, REDACTED);
    if ("redis".equals(span.getAttribute(DB_SYSTEM)) || "redis".equals(span.getAttribute(DB_SYSTEM_NAME))) {
      for (AttributeKey<String> k : STATEMENTS) {
        String v = span.getAttribute(k);
        if (v != null) span.setAttribute(k, command(v));
      }
    }
  }

  /** `/v1/customers/julia/changes?x` → `/v1/customers/{customerId}/changes`: no id, no query. */
  static String path(String raw) {
    int q = raw.indexOf('?');
    String p = q < 0 ? raw : raw.substring(0, q);
    if (p.startsWith("/v1/customers:")) return p; // customers:resolve, its values travel in the (dropped) query
    return TEAM.matcher(CUSTOMER.matcher(p).replaceAll("/customers/{customerId}")).replaceAll("/teams/{team}");
  }

  /** A Redis statement's first word, the command: its keys and arguments hold customer ids and contexts. */
  static String command(String statement) {
    String s = statement.strip();
    int space = s.indexOf(' ');
    return space < 0 ? s : s.substring(0, space);
  }

  @Override public boolean isStartRequired() { return true; }
  @Override public void onEnd(ReadableSpan span) {}
  @Override public boolean isEndRequired() { return false; }
  @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
}
