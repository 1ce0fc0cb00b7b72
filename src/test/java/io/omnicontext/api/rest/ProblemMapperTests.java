package io.omnicontext.api.rest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParseException;
import io.vertx.core.impl.NoStackTraceThrowable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ProblemMapperTests {
  @Test
  void a_socket_reset_closed_or_refused_is_a_store_down_anywhere_in_the_cause_chain() {
    assertTrue(ProblemMapper.isStoreDown(new IOException("Connection reset by peer")), "netty's reset on a killed Redis master");
    assertTrue(ProblemMapper.isStoreDown(new SocketException("Connection reset")));
    assertTrue(ProblemMapper.isStoreDown(new CompletionException(new ConnectException("Connection refused"))));
    assertTrue(ProblemMapper.isStoreDown(new RuntimeException(new TimeoutException())));
    assertTrue(ProblemMapper.isStoreDown(new NoStackTraceThrowable("Failed obtaining connection to: redis://127.0.0.1:54002")));
  }

  @Test
  void a_bug_is_not_a_store_down_even_when_it_is_an_io_exception_of_the_json_parser() {
    assertFalse(ProblemMapper.isStoreDown(new NullPointerException()));
    assertFalse(ProblemMapper.isStoreDown(new IllegalStateException("unexpected reply")));
    assertFalse(ProblemMapper.isStoreDown(new RuntimeException(new JsonParseException(null, "bad document"))));
  }
}
