package io.omnicontext.domain;

import io.omnicontext.domain.Items.Appointment;
import io.omnicontext.domain.Items.Engagement;
import io.omnicontext.domain.Items.Handoff;
import io.omnicontext.domain.Items.Identity;
import io.omnicontext.domain.Items.Interaction;
import io.omnicontext.domain.Items.Note;
import io.omnicontext.domain.Items.Offer;
import io.omnicontext.domain.Items.Reservation;
import io.omnicontext.domain.Items.SupportCase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The single view every channel shares, in the contract's shape: keyed objects for offers,
 * appointments, reservations, cases, engagements and hand-offs; identities and notes oldest first;
 * interactions newest first; preferences flat by dotted key. Treated as a value: {@link ContextRules}
 * works on a {@link #copy()}.
 */
public record CustomerContext(String customerId, long version, Map<String, Object> profile,
    List<Identity> identities, Map<String, Offer> offers, Map<String, Appointment> appointments,
    Map<String, Reservation> reservations, Map<String, SupportCase> cases, List<Note> notes,
    Map<String, Object> preferences, List<Interaction> interactions, Map<String, Engagement> engagements,
    Map<String, Handoff> handoffs, List<AttentionItem> attention, List<String> mergedFrom, String mergedInto) {

  /** Interactions kept in the context, newest first; history keeps them all. */
  public static final int INTERACTIONS_KEPT = 50;

  public CustomerContext {
    profile = orEmpty(profile);
    identities = orEmpty(identities);
    offers = orEmpty(offers);
    appointments = orEmpty(appointments);
    reservations = orEmpty(reservations);
    cases = orEmpty(cases);
    notes = orEmpty(notes);
    preferences = orEmpty(preferences);
    interactions = orEmpty(interactions);
    engagements = orEmpty(engagements);
    handoffs = orEmpty(handoffs);
    attention = orEmpty(attention);
    mergedFrom = orEmpty(mergedFrom);
  }

  /** Version 0: a customer with no committed change. */
  public static CustomerContext empty(String customerId) {
    return new CustomerContext(customerId, 0, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** A copy whose collections may be changed without touching this one (items are immutable records). */
  public CustomerContext copy() {
    return new CustomerContext(customerId, version, new LinkedHashMap<>(profile), new ArrayList<>(identities),
        new LinkedHashMap<>(offers), new LinkedHashMap<>(appointments), new LinkedHashMap<>(reservations),
        new LinkedHashMap<>(cases), new ArrayList<>(notes), new LinkedHashMap<>(preferences),
        new ArrayList<>(interactions), new LinkedHashMap<>(engagements), new LinkedHashMap<>(handoffs),
        new ArrayList<>(attention), new ArrayList<>(mergedFrom), mergedInto);
  }

  /** A copy for one commit: its keyed collections remember what the ops touched (see {@link Attention.Live}). */
  CustomerContext trackedCopy() {
    return new CustomerContext(customerId, version, new LinkedHashMap<>(profile), new ArrayList<>(identities),
        new TouchedMap<>(offers), new TouchedMap<>(appointments), new TouchedMap<>(reservations), new TouchedMap<>(cases),
        new ArrayList<>(notes), new TouchedMap<>(preferences), new ArrayList<>(interactions), new LinkedHashMap<>(engagements),
        new TouchedMap<>(handoffs), new ArrayList<>(attention), new ArrayList<>(mergedFrom), mergedInto);
  }

  public CustomerContext withVersion(long v) {
    return new CustomerContext(customerId, v, profile, identities, offers, appointments, reservations, cases, notes,
        preferences, interactions, engagements, handoffs, attention, mergedFrom, mergedInto);
  }

  public CustomerContext withAttention(List<AttentionItem> items) {
    return new CustomerContext(customerId, version, profile, identities, offers, appointments, reservations, cases,
        notes, preferences, interactions, engagements, handoffs, items, mergedFrom, mergedInto);
  }

  /** The tombstone of a customer folded into another: it points to the survivor and takes no further change. */
  public CustomerContext withMergedInto(String survivor) {
    return new CustomerContext(customerId, version, profile, identities, offers, appointments, reservations, cases,
        notes, preferences, interactions, engagements, handoffs, attention, mergedFrom, survivor);
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> m) { return m == null ? new LinkedHashMap<>() : m; }
  private static <T> List<T> orEmpty(List<T> l) { return l == null ? new ArrayList<>() : l; }
}
