package io.omnicontext.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One committed change: the contract's {customerId, version, op, data, actor, at}, plus the new
 * attention list when this change altered it (null otherwise), and the live-document patches (RFC 6902,
 * from the context at version - 1 to the context at version) as staff and as the customer see it.
 * Both patches are stored with the change; a reader receives only its audience's, as `patch`.
 */
public record Change(String customerId, long version, String op, Map<String, Object> data, Actor actor, Instant at,
    List<AttentionItem> attention, List<Map<String, Object>> patch, List<Map<String, Object>> customerPatch) {

  /** A change before its patches are attached (or one journaled before patches existed). */
  public Change(String customerId, long version, String op, Map<String, Object> data, Actor actor, Instant at,
      List<AttentionItem> attention) {
    this(customerId, version, op, data, actor, at, attention, null, null);
  }

  public Change withPatches(List<Map<String, Object>> staff, List<Map<String, Object>> customer) {
    return new Change(customerId, version, op, data, actor, at, attention, staff, customer);
  }

  /** As staff read it on the wire: only the staff patch. */
  public Change staffView() { return withPatches(patch, null); }
}
