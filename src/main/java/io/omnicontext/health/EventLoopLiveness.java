package io.omnicontext.health;

import io.netty.util.concurrent.EventExecutor;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive while every Vert.x event loop runs a task within {@link #DEADLINE}: a loop stuck on blocking work
 * silently starves the connections it owns, and only a restart frees them. Never looks at Redis or
 * PostgreSQL: an outage of theirs must not restart every replica (readiness handles that).
 */
@Liveness
@ApplicationScoped
public class EventLoopLiveness implements AsyncHealthCheck {
  static final Duration DEADLINE = Duration.ofSeconds(5);

  private final Vertx vertx;

  public EventLoopLiveness(Vertx vertx) { this.vertx = vertx; }

  @Override
  public Uni<HealthCheckResponse> call() {
    long start = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (EventExecutor loop : vertx.nettyEventLoopGroup()) loops.add(CompletableFuture.runAsync(() -> {}, loop));
    return Uni.createFrom().completionStage(CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new))
            .orTimeout(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
        .map(x -> HealthCheckResponse.named("event-loops").up())
        .onFailure().recoverWithItem(x -> HealthCheckResponse.named("event-loops").down()
            .withData("stuck", loops.stream().filter(f -> !f.isDone()).count()))
        .map(r -> r.withData("event-loops", loops.size()).withData("ms", (System.nanoTime() - start) / 1_000_000).build());
  }
}
