package io.omnicontext.domain;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Where and whether a sender may reach the customer now, from live consent, chosen destinations and quiet hours. */
public final class Reach {
  public static final List<String> PURPOSES = List.of("marketing", "service");
  public static final List<String> CHANNELS = List.of("sms", "email", "push", "voice");
  private static final Map<String, String> IDENTITY_FOR = Map.of("sms", "phone", "voice", "phone", "email", "email", "push", "device");

  private Reach() {}

  public record Answer(boolean allowed, String to, String reason) {}

  public static Answer answer(CustomerContext c, String purpose, String channel, Instant now) {
    if (purpose == null || !PURPOSES.contains(purpose)) throw Refusal.invalid("purpose must be one of " + String.join(", ", PURPOSES));
    if (channel == null || !CHANNELS.contains(channel)) throw Refusal.invalid("channel must be one of " + String.join(", ", CHANNELS));
    String to = destination(c, channel);
    Object consent = c.preferences().get("consent." + purpose);
    if (purpose.equals("marketing") && !Boolean.TRUE.equals(consent)) {
      return new Answer(false, to, Boolean.FALSE.equals(consent) ? "consent.marketing withdrawn" : "consent.marketing not given (opt-in required)");
    }
    if (Boolean.FALSE.equals(consent)) return new Answer(false, to, "consent." + purpose + " withdrawn");
    if (to == null) return new Answer(false, null, "no " + channel + " destination: set notifications." + channel + ".to or link a " + IDENTITY_FOR.get(channel));
    String quiet = quietHours(c, now);
    if (quiet != null) return new Answer(false, to, quiet);
    return new Answer(true, to, to.equals(c.preferences().get("notifications." + channel + ".to"))
        ? "consent ok; destination chosen by the customer (notifications." + channel + ".to)"
        : "consent ok; destination from the linked " + IDENTITY_FOR.get(channel));
  }

  static String destination(CustomerContext c, String channel) {
    Object chosen = c.preferences().get("notifications." + channel + ".to");
    if (chosen instanceof String s && !s.isBlank()) return s;
    String type = IDENTITY_FOR.get(channel);
    for (int i = c.identities().size() - 1; i >= 0; i--) if (c.identities().get(i).type().equals(type)) return c.identities().get(i).value();
    return null;
  }

  /** A reason when now falls in notifications.quietHours ("22:00-08:00") in the profile's timezone, else null. */
  static String quietHours(CustomerContext c, Instant now) {
    if (!(c.preferences().get("notifications.quietHours") instanceof String window)) return null;
    String[] parts = window.split("-");
    if (parts.length != 2) return null;
    ZoneId zone = zone(c.profile().get("timezone"));
    try {
      LocalTime from = LocalTime.parse(parts[0].trim()), to = LocalTime.parse(parts[1].trim());
      LocalTime local = now.atZone(zone).toLocalTime();
      boolean inside = from.isBefore(to) ? !local.isBefore(from) && local.isBefore(to) : !local.isBefore(from) || local.isBefore(to);
      return inside ? "quiet hours " + window + " (" + zone + ")" : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static ZoneId zone(Object tz) {
    if (tz instanceof String s) {
      try {
        return ZoneId.of(s);
      } catch (DateTimeException e) {
        return ZoneOffset.UTC;
      }
    }
    return ZoneOffset.UTC;
  }
}
