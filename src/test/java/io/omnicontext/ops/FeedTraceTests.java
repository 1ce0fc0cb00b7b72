package io.omnicontext.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/** The commit's trace context on the feed message (the push span's link), and the caller's address out of spans. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FeedTraceTests {
  private static final List<String> CHANGES = List.of("{\"version\":1,\"op\":\"profile.set\"}", "{\"version\":2,\"op\":\"note.add\"}");
  private final SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(new TraceScrubber()).build();

  @Test
  void an_untraced_commit_publishes_the_changes_as_before() {
    String message = FeedTrace.message(CHANGES);
    assertEquals("[" + String.join(",", CHANGES) + "]", message);
    assertFalse(FeedTrace.of(message).isValid());
    assertEquals(message, FeedTrace.changes(message));
  }

  @Test
  void a_traced_commit_carries_its_span_context_and_the_hub_gets_the_same_changes_back() {
    Span commit = provider.get("test").spanBuilder("omnicontext.redis.commit").startSpan();
    String message;
    try (Scope ignored = commit.makeCurrent()) {
      message = FeedTrace.message(CHANGES);
    } finally {
      commit.end();
    }
    SpanContext carried = FeedTrace.of(message);
    assertTrue(carried.isValid(), message); // defect guarded: the push started a trace with no link to the write
    assertEquals(commit.getSpanContext().getTraceId(), carried.getTraceId());
    assertEquals(commit.getSpanContext().getSpanId(), carried.getSpanId());
    assertEquals("[" + String.join(",", CHANGES) + "]", FeedTrace.changes(message));
  }

  @Test
  void an_ill_formed_stamp_is_no_link() {
    assertFalse(FeedTrace.of("[{\"traceparent\":\"00-zz\",\"version\":1}]").isValid());
  }

  @Test
  void a_server_span_loses_the_callers_address_and_a_client_span_keeps_the_stores() {
    Span server = provider.get("test").spanBuilder("GET").setSpanKind(SpanKind.SERVER)
        .setAttribute("client.address", "203.0.113.7").setAttribute("network.peer.address", "203.0.113.7").startSpan();
    Span client = provider.get("test").spanBuilder("GET").setSpanKind(SpanKind.CLIENT)
        .setAttribute("network.peer.address", "10.0.0.5").startSpan();
    assertEquals(TraceScrubber.REDACTED, ((ReadableSpan) server).getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("client.address")));
    assertEquals(TraceScrubber.REDACTED, ((ReadableSpan) server).getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("network.peer.address")));
    assertEquals("10.0.0.5", ((ReadableSpan) client).getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("network.peer.address")));
    server.end();
    client.end();
  }
}
