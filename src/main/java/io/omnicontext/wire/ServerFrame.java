package io.omnicontext.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.omnicontext.domain.Actor;
import io.omnicontext.domain.AttentionItem;
import io.omnicontext.domain.Change;
import io.omnicontext.domain.CustomerContext;
import com.fasterxml.jackson.databind.util.RawValue;
import io.omnicontext.domain.TeamBoard;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Every frame the server sends on `/v1/stream` (and as SSE data), one record per frame type, encoded in
 * one place ({@link Frames#write}); `type` comes from the record's name. Members that do not apply are
 * left out (a team's `subscribed` has `team` and `seq`, a customer's `customerId` and `version`). The
 * SDK's `omnicontext.d.ts` and `asyncapi.yaml` describe these records.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ServerFrame {

  /** A subscription is live: the customer's version, or the team's seq, it starts from. */
  @JsonTypeName("subscribed")
  record Subscribed(String id, String customerId, Long version, String team, Long seq, Map<String, String> reach) implements ServerFrame {
    public static Subscribed customer(String id, String customerId, long version) { return new Subscribed(id, customerId, version, null, null, null); }
    public static Subscribed team(String id, String team, long seq) { return new Subscribed(id, null, null, team, seq, null); }
    public static Subscribed reach(String id, String customerId, long version, String purpose, String channel) {
      return new Subscribed(id, customerId, version, null, null, Map.of("purpose", purpose, "channel", channel));
    }
  }

  /**
   * The customer's context at a version, or the team's waiting hand-offs at a seq: the board stores each item
   * encoded, so each goes out as it is stored (one raw value per element, no re-parsing, no string joins).
   */
  @JsonTypeName("snapshot")
  record Snapshot(String customerId, Long version, CustomerContext context, String team, Long seq, List<RawValue> handoffs)
      implements ServerFrame {
    public static Snapshot customer(CustomerContext context) { return new Snapshot(context.customerId(), context.version(), context, null, null, null); }
    public static Snapshot team(String team, long seq, List<String> encodedHandoffs) {
      return new Snapshot(null, null, null, team, seq, encodedHandoffs.stream().map(RawValue::new).toList());
    }
  }

  /** A committed change as one audience sees it, or the redacted placeholder (only customerId, version, op, patch). */
  @JsonTypeName("change")
  record ChangeFrame(@JsonUnwrapped ChangeBody change) implements ServerFrame {}

  /** One hand-off change of a team's feed, and the hand-off's board entry after it. */
  @JsonTypeName("handoff")
  @JsonPropertyOrder({"team", "seq", "customerId", "change", "item"})
  record Handoff(String team, long seq, String customerId, Change change, TeamBoard.Item item) implements ServerFrame {}

  @JsonTypeName("unsubscribed")
  record Unsubscribed(String id, String customerId, String team, Object reach) implements ServerFrame {}

  @JsonTypeName("pong")
  record Pong(String id) implements ServerFrame {}

  @JsonTypeName("error")
  record Error(String id, String code, String message) implements ServerFrame {}

  /** The customer was erased: its subscriptions end. */
  @JsonTypeName("erased")
  record Erased(String customerId) implements ServerFrame {}

  /** A sender's reach answer, sent again whenever a change alters it. */
  @JsonTypeName("reach")
  record Reach(String customerId, long version, String purpose, String channel, boolean allowed, String to, String reason)
      implements ServerFrame {}

  /**
   * The contract's change record as an audience reads it (WebSocket, SSE, history, POST answers): members
   * it may not see are absent, `patch` is its own live-document patch.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ChangeBody(String customerId, long version, String op, Map<String, Object> data, Actor actor, Instant at,
      List<AttentionItem> attention, List<Map<String, Object>> patch) {
    public static ChangeBody of(Change c, List<Map<String, Object>> patch) {
      return new ChangeBody(c.customerId(), c.version(), c.op(), c.data(), c.actor(), c.at(), c.attention(), patch);
    }

    public static ChangeBody redacted(String customerId, long version, List<Map<String, Object>> patch) {
      return new ChangeBody(customerId, version, "redacted", null, null, null, null, patch);
    }
  }
}
