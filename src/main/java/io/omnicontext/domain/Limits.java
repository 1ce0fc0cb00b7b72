package io.omnicontext.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;

/**
 * How large a request and a context may grow in numbers (configured as omnicontext.limits.*; the
 * byte limits are the store's, where the JSON is written). Requests are
 * checked when their ops are parsed, contexts when a commit is computed: both before anything is
 * written, so a refusal never follows a commit. {@link #NONE} bounds nothing: the journal replays
 * what was once committed, whatever the limits are today.
 */
public record Limits(int opsPerRequest, int profileKeys, int profileDepth, int profileText, int preferences, int notes, int appointments,
    int reservations, int cases, int engagements, int handoffs, int identities, int offers, int yearsAround) {

  /** Times before this year or after {@link #LAST_YEAR} are refused whatever the configuration. */
  public static final int FIRST_YEAR = 1970;
  public static final int LAST_YEAR = 9999;

  public static final Limits NONE = new Limits(OpParser.MAX_OPS, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
      Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
      Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

  public Limits {
    if (opsPerRequest < 1 || opsPerRequest > OpParser.MAX_OPS) {
      throw new IllegalArgumentException("omnicontext.limits.ops-per-request must be within 1.." + OpParser.MAX_OPS);
    }
  }

  /** A time of an op (at, until, dueBy, validUntil) is kept only within the years the service can store and plan. */
  boolean plausible(Instant t, Instant now) {
    if (now == null) return true; // a replay: what was committed once replays
    int year = t.atOffset(ZoneOffset.UTC).getYear();
    if (year < FIRST_YEAR || year > LAST_YEAR) return false;
    OffsetDateTime around = now.atOffset(ZoneOffset.UTC);
    return !t.isBefore(around.minusYears(yearsAround).toInstant()) && !t.isAfter(around.plusYears(yearsAround).toInstant());
  }

  /**
   * Refuses (too_large) a commit that grows a collection of the context past its limit. A collection
   * already over it (a lower limit configured later) may still shrink or change in place.
   */
  public void check(CustomerContext before, CustomerContext after) {
    bound("profile keys", before.profile(), after.profile(), profileKeys);
    bound("preferences", before.preferences(), after.preferences(), preferences);
    bound("notes", before.notes(), after.notes(), notes);
    bound("appointments", before.appointments(), after.appointments(), appointments);
    bound("reservations", before.reservations(), after.reservations(), reservations);
    bound("cases", before.cases(), after.cases(), cases);
    bound("engagements", before.engagements(), after.engagements(), engagements);
    bound("hand-offs", before.handoffs(), after.handoffs(), handoffs);
    bound("identities", before.identities(), after.identities(), identities);
    bound("offers", before.offers(), after.offers(), offers);
  }

  private static void bound(String what, Object before, Object after, int max) {
    int was = size(before), now = size(after);
    if (now > max && now > was) {
      throw new Refusal(Reason.TOO_LARGE, "a context holds at most " + max + " " + what + "; this request would make it " + now);
    }
  }

  private static int size(Object collection) {
    return collection instanceof Map<?, ?> m ? m.size() : ((Collection<?>) collection).size();
  }
}
