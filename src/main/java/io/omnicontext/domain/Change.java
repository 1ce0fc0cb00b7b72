package io.omnicontext.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One committed change: the contract's {customerId, version, op, data, actor, at}, plus the new
 * attention list when this change altered it (null otherwise).
 */
public record Change(String customerId, long version, String op, Map<String, Object> data, Actor actor, Instant at,
    List<AttentionItem> attention) {}
