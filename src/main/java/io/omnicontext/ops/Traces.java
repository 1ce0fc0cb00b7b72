package io.omnicontext.ops;

import io.omnicontext.config.Digest;
import io.omnicontext.domain.CustomerKey;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The live path's spans (docs/tracing.md): REST write, Redis commit, journal append, push. Attributes are
 * tenant-free: a customer is named by a hash of tenant and id, never by its id; no identity value, body or token is
 * ever an attribute. With the SDK disabled (the default) the tracer is a no-op: spans are not recording and no
 * attribute is even computed. Nothing here blocks: a span ends in the Uni's own callbacks.
 */
@ApplicationScoped
public class Traces {
  public static final AttributeKey<String> CUSTOMER = AttributeKey.stringKey("omnicontext.customer.hash");
  public static final AttributeKey<String> OPS = AttributeKey.stringKey("omnicontext.ops");
  public static final AttributeKey<Long> OP_COUNT = AttributeKey.longKey("omnicontext.op.count");
  public static final AttributeKey<Long> FIRST_VERSION = AttributeKey.longKey("omnicontext.version.first");
  public static final AttributeKey<Long> LAST_VERSION = AttributeKey.longKey("omnicontext.version.last");
  public static final AttributeKey<Long> ENTRIES = AttributeKey.longKey("omnicontext.journal.entries");
  public static final AttributeKey<Long> WRITERS = AttributeKey.longKey("omnicontext.journal.writers");
  public static final AttributeKey<Long> SUBSCRIPTIONS = AttributeKey.longKey("omnicontext.subscriptions");
  public static final AttributeKey<String> REFUSAL = AttributeKey.stringKey("omnicontext.refusal");

  private final Tracer tracer;
  private final java.util.Optional<String> hashKey;

  public Traces(Tracer tracer,
      @org.eclipse.microprofile.config.inject.ConfigProperty(name = "omnicontext.tracing.customer-hash-key") java.util.Optional<String> hashKey) {
    this.tracer = tracer;
    this.hashKey = hashKey.filter(k -> !k.isBlank());
  }

  /**
   * The customer as a trace may name it, the same on every node: 16 hex of HMAC-SHA-256 over tenant and id under
   * omnicontext.tracing.customer-hash-key, so that guessable ids ("demo/julia") cannot be found again by hashing
   * guesses; without a key, plain SHA-256 (local and test runs).
   */
  public String customerHash(CustomerKey key) {
    String named = key.tenant() + "/" + key.customerId();
    return hashKey.map(k -> Digest.hmacSha256(k, named)).orElseGet(() -> Digest.sha256(named)).substring(0, 16);
  }

  public SpanBuilder builder(String name) { return tracer.spanBuilder(name); }

  /**
   * Runs `work` in a new span, a child of the current one, made current while `work` is subscribed so that the
   * clients' own spans (Redis, PostgreSQL) nest under it. `describe` sets attributes only when the span records;
   * `result` adds attributes of the item.
   */
  public <T> Uni<T> span(String name, Consumer<Span> describe, Supplier<Uni<T>> work, java.util.function.BiConsumer<Span, T> result) {
    return Uni.createFrom().emitter(em -> {
      Span span = tracer.spanBuilder(name).startSpan();
      if (span.isRecording()) describe.accept(span);
      try (Scope ignored = span.makeCurrent()) {
        io.smallrye.mutiny.subscription.Cancellable running = work.get().subscribe().with(item -> {
          if (span.isRecording() && result != null) result.accept(span, item);
          span.end();
          em.complete(item);
        }, failure -> {
          failed(span, failure);
          span.end();
          em.fail(failure);
        });
        em.onTermination(running::cancel); // a cancelled caller cancels the work, as without the span
      } catch (RuntimeException e) { // work.get() itself threw
        failed(span, e);
        span.end();
        em.fail(e);
      }
    });
  }

  public <T> Uni<T> span(String name, Consumer<Span> describe, Supplier<Uni<T>> work) { return span(name, describe, work, null); }

  /** The distinct op names of a list, in order, comma-separated ("profile.set,note.add"). */
  public static String opNames(java.util.List<String> names) { return String.join(",", new java.util.LinkedHashSet<>(names)); }

  /** A failure as a status and a type, never its message (a refusal's message may quote an identity value). */
  public static void failed(Span span, Throwable failure) {
    if (!span.isRecording()) return;
    span.setStatus(StatusCode.ERROR);
    span.setAttribute(REFUSAL, failure instanceof io.omnicontext.domain.Refusal r ? r.reason().code() : failure.getClass().getSimpleName());
  }
}
