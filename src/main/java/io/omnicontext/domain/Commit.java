package io.omnicontext.domain;

import java.util.List;

/**
 * What one request commits: the context after it, the N changes with N consecutive versions, the
 * team-feed entries among them, the identities it links, (a merge) the customer whose identities
 * it may take over, and the context after each change (`steps`, what the live-document patches are
 * computed from).
 */
public record Commit(CustomerContext before, CustomerContext after, List<Change> changes, List<TeamEntry> teamEntries,
    List<Items.Identity> linked, String adoptIdentitiesFrom, List<CustomerContext> steps) {

  /** A change that also belongs to a team's feed, and its hand-off's board entry right after it. */
  public record TeamEntry(String team, Change change, TeamBoard.Item item) {
    public TeamEntry withChange(Change c) { return new TeamEntry(team, c, item); }
  }

  /** The same commit with its changes replaced (patches attached), team entries following them. */
  public Commit withChanges(List<Change> attached) {
    java.util.Map<Long, Change> byVersion = new java.util.HashMap<>();
    attached.forEach(c -> byVersion.put(c.version(), c));
    List<TeamEntry> team = teamEntries.stream().map(e -> e.withChange(byVersion.get(e.change().version()))).toList();
    return new Commit(before, after, attached, team, linked, adoptIdentitiesFrom, steps);
  }

  public long firstVersion() { return changes.get(0).version(); }
  public long lastVersion() { return after.version(); }
}
