package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * A commit keeps attention current op by op from the items each op touched. It must say exactly what
 * deriving the whole list after every op says (the rule as the contract states it), at a cost that
 * grows with the request, not with the request times the context.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AttentionLiveTests {
  private static final Instant NOW = T0;

  /** The rule spelled out: apply each op to a copy, derive the whole list, carry it when it altered the previous one. */
  private static List<List<AttentionItem>> reference(CustomerContext start, List<Op> ops, Instant at) {
    List<List<AttentionItem>> carried = new ArrayList<>();
    CustomerContext ctx = start;
    for (Op op : ops) {
      CustomerContext next = ContextRules.apply(ctx, op, AGENT, at);
      List<AttentionItem> derived = Attention.derive(next, ctx.attention(), at);
      carried.add(Attention.sameCues(ctx.attention(), derived) ? null : derived);
      ctx = next.withAttention(derived);
    }
    carried.add(ctx.attention());
    return carried;
  }

  private static String time(Random r) { return NOW.plusSeconds(3600L * (r.nextInt(120) - 24)).toString(); }

  /** One op of a random request: touches a few ids of every keyed collection, valid or not. */
  private static Map<String, Object> randomOp(Random r) {
    String n = Integer.toString(r.nextInt(6));
    return switch (r.nextInt(16)) {
      case 0 -> issue("o-" + n, "validUntil", time(r));
      case 1 -> redeem("o-" + n, "web");
      case 2 -> openCase("k-" + n, "priority", r.nextBoolean() ? "high" : "normal");
      case 3 -> updateCase("k-" + n, "priority", r.nextBoolean() ? "urgent" : "low", "subject", "s" + r.nextInt(3));
      case 4 -> resolve("k-" + n);
      case 5 -> pref("consent." + n, r.nextBoolean());
      case 6 -> schedule("a-" + n, time(r));
      case 7 -> reschedule("a-" + n, time(r));
      case 8 -> cancel("a-" + n);
      case 9 -> hold("r-" + n, time(r));
      case 10 -> release("r-" + n);
      case 11 -> handoff("h-" + n, "store:branch-" + r.nextInt(2), time(r));
      case 12 -> accept("h-" + n);
      case 13 -> complete("h-" + n, "done");
      case 14 -> note("n-" + r.nextInt(1000), "internal");
      default -> profileSet("name", "n" + n);
    };
  }

  @Test
  void attention_kept_op_by_op_equals_the_whole_list_derived_after_every_op() {
    Random r = new Random(20261123);
    int compared = 0;
    CustomerContext ctx = empty();
    for (int request = 0; request < 3000; request++) {
      List<Op> ops = new ArrayList<>();
      for (int i = 1 + r.nextInt(4); i > 0; i--) ops.add(OpParser.parse(List.of(randomOp(r))).get(0));
      Instant at = NOW.plusSeconds(120L * request);
      List<List<AttentionItem>> expected;
      try {
        expected = reference(ctx, ops, at);
      } catch (Refusal refused) {
        CustomerContext before = ctx;
        refusal(refused.reason(), () -> ContextRules.commit(before, ops, AGENT, at));
        continue;
      }
      Commit commit = ContextRules.commit(ctx, ops, AGENT, at);
      for (int i = 0; i < ops.size(); i++) assertEquals(expected.get(i), commit.changes().get(i).attention(), "request " + request + " op " + i);
      assertEquals(expected.get(ops.size()), commit.after().attention(), "request " + request);
      compared += ops.size();
      ctx = commit.after();
    }
    assertTrue(compared > 1000, "compared only " + compared + " ops");
  }

  @Test
  void a_request_derives_each_item_once_plus_once_per_op_that_touched_it() {
    List<Map<String, Object>> existing = new ArrayList<>();
    for (int i = 0; i < 200; i++) existing.add(schedule("old-" + i, NOW.plusSeconds(3600).toString()));
    CustomerContext big = ContextRules.commit(empty(), OpParser.parse(existing), AGENT, NOW).after();
    CustomerContext draft = big.trackedCopy();
    Attention.Live live = new Attention.Live(draft, big.attention(), NOW);
    int altered = 0;
    for (int i = 0; i < 100; i++) {
      draft = OpParser.parse(List.of(schedule("new-" + i, NOW.plusSeconds(7200).toString()))).get(0).apply(draft, AGENT, NOW);
      if (live.update(draft)) altered++;
    }
    assertEquals(100, altered, "every new appointment within 48 h alters the list");
    assertEquals(300, live.list().size());
    assertEquals(200 + 100, live.derivations(), "derived once per item, then once per touched item");
  }
}
