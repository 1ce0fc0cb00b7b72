package io.omnicontext.adapter.redis;

import io.omnicontext.port.ChangeJournal;
import java.util.List;

/**
 * One commit waiting in the journal outbox as commit.lua stores it: the change records as pushed, linked identities,
 * a snapshot when due, and the commit's follow-up (JSON, null when none). Written by {@link RedisContextStore}, read by
 * {@link RedisJournalOutbox}.
 */
public record OutboxEntry(String tenant, String customerId, List<String> changes, List<ChangeJournal.Identity> linked, String snapshot,
    String followUp) {}
