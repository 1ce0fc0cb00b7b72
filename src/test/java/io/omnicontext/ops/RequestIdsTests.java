package io.omnicontext.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RequestIdsTests {
  @Test
  void a_safe_caller_id_is_kept() {
    assertEquals("gw-7f3a:0001.b_c", RequestIds.accepted("gw-7f3a:0001.b_c"));
  }

  @Test
  void a_missing_id_gets_a_fresh_uuid_each_time() {
    String a = RequestIds.accepted(null);
    assertEquals(a, UUID.fromString(a).toString());
    assertNotEquals(a, RequestIds.accepted(null));
  }

  @Test
  void an_id_that_could_forge_a_log_line_or_a_header_is_replaced() {
    for (String bad : new String[] {"", "a b", "x\ny", "x\r\nSet-Cookie: s=1", "{\"json\":1}", "a".repeat(129), "é"}) {
      String id = RequestIds.accepted(bad);
      assertNotEquals(bad, id);
      assertTrue(id.matches("[0-9a-f-]{36}"), id);
    }
  }
}
