package io.omnicontext.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.omnicontext.domain.CustomerKey;
import io.omnicontext.port.Topic;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Expected slots were obtained from a real server: `redis-cli -p 54011 cluster keyslot <key>` on Redis
 * 7.0.15 (cluster mode), 2026-12-01.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HashSlotTests {

  @Test
  void whole_keys_without_a_tag_hash_entirely() {
    assertEquals(12739, HashSlot.of("123456789")); // also the XMODEM check value 0x31C3
    assertEquals(12182, HashSlot.of("foo"));
    assertEquals(5061, HashSlot.of("bar"));
    assertEquals(0, HashSlot.of(""));
  }

  @Test
  void the_first_non_empty_tag_decides() {
    assertEquals(5061, HashSlot.of("foo{bar}baz"));
    assertEquals(5061, HashSlot.of("foo{bar}{zap}"));
    assertEquals(3443, HashSlot.of("{user1000}.following"));
  }

  @Test
  void an_empty_or_unclosed_tag_means_the_whole_key() {
    assertEquals(5980, HashSlot.of("{}abc"));
    assertEquals(8363, HashSlot.of("foo{}{bar}"));
    assertEquals(13340, HashSlot.of("a{b"));
  }

  @Test
  void the_tag_ends_at_the_first_closing_brace_after_the_first_opening_one() {
    assertEquals(4015, HashSlot.of("foo{{bar}}zap")); // tag "{bar"
    assertEquals(4015, HashSlot.of("{bar"));
  }

  @Test
  void bytes_are_utf8() {
    assertEquals(9552, HashSlot.of("é{ü}"));
    assertEquals(9552, HashSlot.of("ü"));
  }

  @Test
  void our_channels_hash_by_their_first_tag() {
    assertEquals(6939, HashSlot.of("oc:{b0}:{acme:c1}"));
    assertEquals(6939, HashSlot.of("b0"));
    assertEquals(3006, HashSlot.of("b5"));
    assertEquals(9068, HashSlot.of("b127"));
    assertEquals(15972, HashSlot.of("oc:{acme#team:sales}"));
    assertEquals(881, HashSlot.of("acme#team:x"));
  }

  @Test
  void a_customer_channel_lives_in_its_bucket_slot() {
    Topic customer = Topic.customer(new CustomerKey("acme", "c1"));
    String channel = RedisKeys.channel(customer);
    assertEquals(HashSlot.of("b" + RedisKeys.bucket(new CustomerKey("acme", "c1"))), HashSlot.of(channel));
  }
}
