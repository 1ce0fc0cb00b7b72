package io.omnicontext.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LogSafeTests {

  @Test
  void a_failure_is_named_by_its_types_never_by_a_message_that_may_quote_the_input() {
    var quoting = new UncheckedIOException(new java.io.IOException("Unrecognized token 'julia@example.com'"));
    String logged = LogSafe.failure(quoting);
    assertEquals("java.io.UncheckedIOException caused by java.io.IOException", logged);
    assertFalse(logged.contains("julia"));
  }

  /** Defect guarded: the 500 path logged the stack with its messages, which may quote the request's values. */
  @Test
  void a_stack_names_each_type_of_the_chain_with_its_frames_and_no_message() {
    var quoting = new IllegalStateException("value julia@example.com", new IllegalArgumentException("token eyJhbGciOi"));
    String logged = LogSafe.stack(quoting);
    assertTrue(logged.startsWith("java.lang.IllegalStateException\n\tat "), logged);
    assertTrue(logged.contains("Caused by: java.lang.IllegalArgumentException\n\tat "), logged);
    assertTrue(logged.contains("LogSafeTests.a_stack_names_each_type"), "the frames say where: " + logged);
    assertFalse(logged.contains("julia") || logged.contains("eyJ"), logged);
  }

  @Test
  void an_address_loses_its_user_and_password() {
    assertEquals("redis://10.0.0.5:6379/0", LogSafe.address("redis://:s3cret@10.0.0.5:6379/0"));
    assertEquals("redis://a:1,redis://b:2", LogSafe.address("redis://u:p@a:1, redis://b:2"));
    assertEquals("redis://127.0.0.1:56379/2", LogSafe.address("redis://127.0.0.1:56379/2"));
  }
}
