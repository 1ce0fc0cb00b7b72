package io.omnicontext.service.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnicontext.config.JsonCodec;
import io.omnicontext.config.SteppedClock;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.ContextRules;
import io.omnicontext.domain.CustomerContext;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.OpParser;
import io.omnicontext.port.ChangeFeed;
import io.omnicontext.service.ReadContext;
import io.omnicontext.wire.Frames;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A reach subscription decides quiet hours on the node's clock bean: stepped here, no sleeping, no wall clock. */
class ReachSubscriptionTests {
  private static final Instant BEFORE_QUIET = Instant.parse("2031-05-06T21:59:00Z");
  private static final CustomerKey KEY = new CustomerKey("acme", "c-1");
  private static final Actor CLERK = new Actor("clerk-3", "store");
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  private final SteppedClock clock = new SteppedClock(BEFORE_QUIET);
  private volatile CustomerContext current = CustomerContext.empty(KEY.customerId());
  private final List<JsonNode> reach = new CopyOnWriteArrayList<>();

  private final ReadContext contexts = new ReadContext(null, null, null, clock) {
    @Override public Uni<CustomerContext> snapshot(CustomerKey key, Audience audience) { return Uni.createFrom().item(current); }
  };
  private final ChangeFeed feed = (ChangeFeed) java.lang.reflect.Proxy.newProxyInstance(ChangeFeed.class.getClassLoader(),
      new Class<?>[] {ChangeFeed.class}, (proxy, method, args) -> Uni.createFrom().voidItem()); // follow/unfollow at once
  private final JsonCodec json = new JsonCodec(JSON);
  private final Hub hub = new Hub(feed, json, new Frames(json), null, null, clock);
  private final Session session = new Session() {
    @Override public Audience audience() { return Audience.STAFF; }

    @Override
    public void send(Kind kind, long position, String frame) {
      if (kind == Kind.REACH) reach.add(json.read(frame, JsonNode.class));
    }

    @Override public void resync(String reason) {}
  };

  private void commit(Map<String, Object> op) {
    current = ContextRules.commit(current, OpParser.parse(List.of(op)), CLERK, clock.instant()).after();
  }

  /** Guards a subscription that reads the wall clock (then the first answer or the second would not follow the step). */
  @Test
  void the_answer_follows_the_clock_into_quiet_hours_at_the_next_change() {
    commit(Map.of("op", "identity.link", "type", "phone", "value", "+15550100"));
    commit(Map.of("op", "profile.set", "fields", Map.of("timezone", "UTC")));
    commit(Map.of("op", "preference.set", "key", "notifications.quietHours", "value", "22:00-08:00"));
    ReachSubscription sub = new ReachSubscription(KEY, "service", "sms", session, hub, new Frames(json), contexts);
    sub.open("r1", null).await().indefinitely();
    assertEquals(1, reach.size(), reach.toString());
    assertTrue(reach.get(0).path("allowed").asBoolean(), "at 21:59 UTC the quiet hours have not begun: " + reach.get(0));

    clock.step(Duration.ofMinutes(2));
    commit(Map.of("op", "profile.set", "fields", Map.of("name", "Ada")));
    sub.deliver(List.of());
    assertEquals(2, reach.size(), reach.toString());
    assertFalse(reach.get(1).path("allowed").asBoolean(), "at 22:01 UTC they have: " + reach.get(1));
    assertTrue(reach.get(1).path("reason").asText().contains("quiet hours"), reach.get(1).toString());
    sub.close();
  }
}
