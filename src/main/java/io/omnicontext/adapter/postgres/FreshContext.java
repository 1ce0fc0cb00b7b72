package io.omnicontext.adapter.postgres;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Hibernate Reactive keeps its session in a Vert.x duplicated context marked safe. Journal calls come
 * from requests, WebSocket frames, timers and the relay alike, so each runs on a fresh one: no call
 * shares a session with another.
 */
final class FreshContext {
  private FreshContext() {}

  static <T> Uni<T> run(Vertx vertx, Supplier<Uni<T>> work) {
    return Uni.createFrom().emitter(emitter -> {
      Context current = Vertx.currentContext();
      Context fresh = VertxContext.createNewDuplicatedContext(current != null ? current : vertx.getOrCreateContext());
      VertxContextSafetyToggle.setContextSafe(fresh, true);
      fresh.runOnContext(x -> work.get().subscribe().with(emitter::complete, emitter::fail));
    });
  }
}
