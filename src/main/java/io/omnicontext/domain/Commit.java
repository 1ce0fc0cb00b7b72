package io.omnicontext.domain;

import java.util.List;

/**
 * What one request commits: the context after it, the N changes with N consecutive versions, the
 * team-feed entries among them, the identities it links, and (a merge) the customer whose identities
 * it may take over.
 */
public record Commit(CustomerContext before, CustomerContext after, List<Change> changes, List<TeamEntry> teamEntries,
    List<Items.Identity> linked, String adoptIdentitiesFrom) {

  /** A change that also belongs to a team's feed. */
  public record TeamEntry(String team, Change change) {}

  public long firstVersion() { return changes.get(0).version(); }
  public long lastVersion() { return after.version(); }
}
