package io.omnicontext.domain;

import java.util.List;

/**
 * What one request commits: the context after it, the N changes with N consecutive versions, and the
 * team-feed entries among them.
 */
public record Commit(CustomerContext before, CustomerContext after, List<Change> changes, List<TeamEntry> teamEntries,
    List<Items.Identity> linked) {

  /** A change that also belongs to a team's feed. */
  public record TeamEntry(String team, Change change) {}

  public long firstVersion() { return changes.get(0).version(); }
  public long lastVersion() { return after.version(); }
}
