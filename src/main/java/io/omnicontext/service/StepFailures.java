package io.omnicontext.service;

import io.omnicontext.config.LogSafe;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * How a scheduled step reports failing (Redis or PostgreSQL away): one WARN when it starts failing, DEBUG while it
 * goes on, INFO once it works again. The scheduler would log every failed run with a stack, every second.
 */
final class StepFailures {
  private final String step;
  private volatile boolean failing;

  StepFailures(String step) { this.step = step; }

  /** The step, its failure reported here and not passed on: the next run is the retry. */
  Uni<Void> watch(Uni<?> run) {
    return run.replaceWithVoid()
        .invoke(this::worked)
        .onFailure().recoverWithUni(this::failed);
  }

  private void worked() {
    if (!failing) return;
    failing = false;
    Log.infof("%s works again", step);
  }

  private Uni<Void> failed(Throwable err) {
    if (failing) Log.debugf("%s failed again: %s", step, LogSafe.failure(err));
    else Log.warnf("%s failed: %s (retried every run; logged again once it works)", step, LogSafe.failure(err));
    failing = true;
    return Uni.createFrom().voidItem();
  }
}
