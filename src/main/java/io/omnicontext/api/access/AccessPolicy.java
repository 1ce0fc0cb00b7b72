package io.omnicontext.api.access;

import io.omnicontext.api.auth.Principal;
import io.omnicontext.domain.Audience;
import io.omnicontext.domain.CustomerKey;
import io.omnicontext.domain.HandoffOps;
import io.omnicontext.domain.OfferOps;
import io.omnicontext.domain.Op;
import io.omnicontext.domain.ProfileOps;
import io.omnicontext.domain.Refusal;
import java.util.List;
import java.util.Set;

/**
 * Who may read which customer and team, and which ops each role may commit: decided here and nowhere else (REST,
 * SSE and WebSocket call it). docs/security.md has the same rules as a table.
 * <ul>
 * <li>Staff (any token with agent, supervisor or integration) read every customer and team of their tenant and commit
 * every op; erasure needs supervisor or integration.</li>
 * <li>A customer token (customer only) reads its own customer_id and commits only what a customer's own app decides:
 * its profile and preferences, notes it can see, its interactions, its appointments, its reservation holds, and
 * redeeming an offer. The channel of offer.redeem and interaction.record is the token's, whatever the body says.
 * It never commits internal work (cases, hand-offs, engagements, identities, offers, fulfilment, internal notes),
 * never reads team boards or reach answers, never merges or erases.</li>
 * </ul>
 */
public final class AccessPolicy {
  /** What a customer's own app may commit (note.add: with visibility customer only). */
  static final Set<String> CUSTOMER_OPS = Set.of("profile.set", "preference.set", "note.add", "interaction.record", "offer.redeem",
      "appointment.schedule", "appointment.reschedule", "appointment.cancel", "reservation.hold", "reservation.release");

  private AccessPolicy() {}

  /** The customer's key if this token may read (and so write) it; tenants never cross, since the key is the token's tenant. */
  public static CustomerKey customer(Principal p, String customerId) {
    if (!CustomerKey.isCustomerId(customerId)) throw Denied.hidden("no customer " + customerId);
    if (p.audience() == Audience.CUSTOMER && !customerId.equals(p.customerId())) throw Denied.hidden("no customer " + customerId);
    return p.key(customerId);
  }

  /** Whether an identity's owner may be named to this token (resolve): only what it may read. */
  public static boolean mayRead(Principal p, String customerId) {
    return p.audience() == Audience.STAFF || customerId.equals(p.customerId());
  }

  /** Team boards and feeds: staff of the tenant. */
  public static String team(Principal p, String team) {
    staffOnly(p, "customer tokens may not read team feeds");
    if (!HandoffOps.isTeam(team)) throw Refusal.badRequest("team must be area:name such as store:branch-X");
    return team;
  }

  /** Reach answers and subscriptions: staff (senders), not the customer. */
  public static CustomerKey reach(Principal p, String customerId) {
    staffOnly(p, "reach is for senders, not customer tokens");
    return customer(p, customerId);
  }

  /** engage (an engagement tied to a connection): staff who are with the customer. */
  public static CustomerKey engage(Principal p, String customerId) {
    CustomerKey key = customer(p, customerId);
    staffOnly(p, "customer tokens may not start engagements");
    return key;
  }

  public static CustomerKey merge(Principal p, String customerId) {
    CustomerKey key = customer(p, customerId);
    staffOnly(p, "customer tokens may not merge customers");
    return key;
  }

  public static CustomerKey erase(Principal p, String customerId) {
    CustomerKey key = customer(p, customerId);
    if (!p.groups().contains("supervisor") && !p.groups().contains("integration")) {
      throw Denied.notPermitted("erasure needs a supervisor or integration token");
    }
    return key;
  }

  /**
   * The ops as this token commits them: refused whole if one is not this role's to commit; for customer tokens the
   * fields the token decides (channel) are the token's.
   */
  public static List<Op> ops(Principal p, List<Op> ops) {
    if (p.audience() == Audience.STAFF) return namingTheirChannels(ops);
    return ops.stream().map(op -> asCustomer(p, op)).toList();
  }

  /** A staff token names the channel an offer is redeemed on (a customer token's channel is its token's). */
  private static List<Op> namingTheirChannels(List<Op> ops) {
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof OfferOps.OfferRedeem r && r.channel() == null) throw Refusal.invalid("ops[" + i + "].channel is required");
    }
    return ops;
  }

  private static Op asCustomer(Principal p, Op op) {
    boolean internalNote = op instanceof ProfileOps.NoteAdd n && n.internal();
    if (!CUSTOMER_OPS.contains(op.name()) || internalNote) {
      throw Denied.notPermitted("a customer token may not commit " + op.name() + (internalNote ? " with visibility internal" : ""));
    }
    if (op instanceof OfferOps.OfferRedeem r) return new OfferOps.OfferRedeem(r.offerId(), p.channel());
    if (op instanceof ProfileOps.InteractionRecord i) return new ProfileOps.InteractionRecord(i.interactionId(), p.channel(), i.kind(), i.summary());
    return op;
  }

  private static void staffOnly(Principal p, String why) {
    if (p.audience() != Audience.STAFF) throw Denied.notPermitted(why);
  }

  /**
   * A refusal of the policy. {@link #hidden()}: a customer the token may not see (HTTP 404, no existence leak);
   * otherwise a role that may not do this (HTTP 403). Either is the WebSocket error {@code forbidden}.
   */
  public static final class Denied extends RuntimeException {
    private final boolean hidden;

    private Denied(String detail, boolean hidden) {
      super(detail, null, false, false);
      this.hidden = hidden;
    }

    static Denied hidden(String detail) { return new Denied(detail, true); }
    static Denied notPermitted(String detail) { return new Denied(detail, false); }

    public boolean hidden() { return hidden; }
  }
}
