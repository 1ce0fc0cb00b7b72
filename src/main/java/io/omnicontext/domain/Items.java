package io.omnicontext.domain;

import java.time.Instant;
import java.util.List;

/** The records a context holds, each keyed by its id in the context (or kept in order in a list). */
public final class Items {
  private Items() {}

  public record Identity(String type, String value, Instant linkedAt) {}

  public record Offer(String offerId, String title, String originChannel, List<String> eligibleChannels, Number price,
      Instant validUntil, String status, Instant issuedAt, Instant redeemedAt, String redeemedChannel) {
    boolean eligibleOn(String channel) { return eligibleChannels == null || eligibleChannels.contains(channel); }
  }

  public record Note(String noteId, String text, String visibility, Instant at) {
    public boolean internal() { return "internal".equals(visibility); }
  }

  public record Interaction(String interactionId, String channel, String kind, String summary, Instant at) {}

  public record Appointment(String appointmentId, String kind, Instant at, String status, Instant previousAt) {}

  public record Reservation(String reservationId, String sku, String storeId, Instant until, String status) {}

  public record SupportCase(String caseId, String subject, String status, String priority, String owner,
      Instant openedAt) {
    public boolean open() { return !"resolved".equals(status); }
  }

  public record Engagement(String engagementId, String channel, String activity, String status, Instant startedAt,
      Instant endedAt) {}

  public record Handoff(String handoffId, String kind, String ref, String fromChannel, String toTeam, Instant dueBy,
      String note, String status, Instant createdAt, Actor acceptedBy, Instant acceptedAt, String outcome) {
    public boolean waiting() { return "open".equals(status) || "overdue".equals(status); }
    /** Accepted by someone of the team, not completed yet. */
    public boolean inProgress() { return "accepted".equals(status); }
  }
}
