package io.omnicontext.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TraceScrubberTests {
  @Test
  void a_path_keeps_its_shape_and_loses_its_ids_and_query() {
    assertEquals("/v1/customers/{customerId}/changes", TraceScrubber.path("/v1/customers/julia@x.example/changes"));
    assertEquals("/v1/customers/{customerId}/events", TraceScrubber.path("/v1/customers/c-1/events?after=3&access_token=eyJ"));
    assertEquals("/v1/customers/{customerId}", TraceScrubber.path("/v1/customers/c-1"));
    assertEquals("/v1/teams/{team}/handoffs", TraceScrubber.path("/v1/teams/returns/handoffs"));
    assertEquals("/v1/customers:resolve", TraceScrubber.path("/v1/customers:resolve?type=email&value=a@b.example"));
    assertEquals("/v1/stream", TraceScrubber.path("/v1/stream?access_token=eyJ"));
  }

  @Test
  void a_redis_statement_keeps_only_its_command() {
    assertEquals("EVALSHA", TraceScrubber.command("EVALSHA 3f2a 4 oc:{t:julia}:ctx oc:{t:julia}:log"));
    assertEquals("PING", TraceScrubber.command(" PING "));
  }
}
