package io.omnicontext.port;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Commits waiting to be journaled, written atomically with each commit ({@link ContextStore#commit}).
 * Guarantee: at-least-once; an entry stays until acknowledged, and one a dead node had taken is
 * handed to another after a while.
 */
public interface JournalOutbox {

  /** Up to {@code max} entries for this node: new ones, or ones another node took and never acknowledged. */
  Uni<List<Item>> take(String node, int max);

  /** The entries are journaled: forget them. */
  Uni<Void> ack(List<String> ids);

  /** How many commits wait to be journaled (the journal lag). */
  Uni<Long> lag();

  /** An entry, and its commit's follow-up to settle before it is acknowledged (null for entries without one). */
  record Item(String id, ChangeJournal.Entry entry, ContextStore.FollowUp followUp) {}
}
