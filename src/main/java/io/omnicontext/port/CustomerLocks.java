package io.omnicontext.port;

import io.omnicontext.domain.CustomerKey;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Supplier;

/**
 * Short exclusive holds on customers, across nodes, for the use cases that read one customer and write another
 * (merge). Guarantee: while a hold's lease lasts no other hold has any of its customers; customers are taken in one
 * fixed order, so two holds never wait on each other; a holder that dies lets go when its lease runs out.
 */
public interface CustomerLocks {

  /** Runs work while holding every customer; fails with {@link Busy} if another hold keeps one of them too long. */
  <T> Uni<T> holding(List<CustomerKey> customers, Supplier<Uni<T>> work);

  /** Another hold kept a customer for longer than a caller waits. */
  final class Busy extends RuntimeException {
    public Busy() { super("the customer is held by another operation", null, false, false); }
  }
}
