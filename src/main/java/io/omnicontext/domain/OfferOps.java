package io.omnicontext.domain;

import io.omnicontext.domain.Items.Offer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Offers: issued once, redeemed at most once on an eligible channel before validUntil, expired by time. */
public final class OfferOps {
  private OfferOps() {}

  static Offer existing(CustomerContext c, String offerId) {
    Offer o = c.offers().get(offerId);
    if (o == null) throw Refusal.invalid("offer " + offerId + " does not exist");
    return o;
  }

  public record OfferIssue(String offerId, String title, String originChannel, List<String> eligibleChannels,
      Number price, Instant validUntil) implements Op {
    static OfferIssue read(Fields f) {
      return new OfferIssue(f.id("offerId"), f.text("title", 200), f.channel("originChannel"),
          eligible(f.optChannels("eligibleChannels")), f.optNumber("price"), f.time("validUntil"));
    }
    /** The contract's default: eligible on every channel, spelled out so readers need not guess what null means. */
    private static List<String> eligible(List<String> given) { return given == null ? Channels.ALL : given; }

    public String name() { return "offer.issue"; }
    public Map<String, Object> data() {
      return Op.data("offerId", offerId, "title", title, "originChannel", originChannel, "eligibleChannels",
          eligibleChannels, "price", price, "validUntil", validUntil);
    }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      if (c.offers().containsKey(offerId)) throw Refusal.invalid("offer " + offerId + " was already issued");
      c.offers().put(offerId, new Offer(offerId, title, originChannel, eligibleChannels, price, validUntil, "issued", at,
          null, null));
    }
  }

  public record OfferRedeem(String offerId, String channel) implements Op {
    /** channel may be missing here: a customer token's redeem takes its token's (AccessPolicy), a staff token must name it. */
    static OfferRedeem read(Fields f) { return new OfferRedeem(f.id("offerId"), f.optChannel("channel")); }
    public String name() { return "offer.redeem"; }
    public Map<String, Object> data() { return Op.data("offerId", offerId, "channel", channel); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      if (channel == null) throw Refusal.invalid("offer.redeem needs the channel it is redeemed on");
      Offer o = existing(c, offerId);
      if ("redeemed".equals(o.status())) {
        throw new Refusal(Reason.OFFER_ALREADY_REDEEMED,
            "offer " + offerId + " was redeemed on " + o.redeemedChannel() + " at " + o.redeemedAt(),
            Map.of("redeemedAt", o.redeemedAt().toString(), "redeemedChannel", o.redeemedChannel()));
      }
      if ("expired".equals(o.status()) || !at.isBefore(o.validUntil())) {
        throw new Refusal(Reason.OFFER_NOT_ELIGIBLE, "offer " + offerId + " expired at " + o.validUntil());
      }
      if (!o.eligibleOn(channel)) {
        throw new Refusal(Reason.OFFER_NOT_ELIGIBLE, "offer " + offerId + " is not redeemable on " + channel
            + " (eligible: " + String.join(", ", o.eligibleChannels()) + ")");
      }
      c.offers().put(offerId, new Offer(o.offerId(), o.title(), o.originChannel(), o.eligibleChannels(), o.price(),
          o.validUntil(), "redeemed", o.issuedAt(), at, channel));
    }
  }

  /** Server op: an issued offer whose validUntil passed. */
  public record OfferExpire(String offerId) implements Op {
    public String name() { return "offer.expire"; }
    public Map<String, Object> data() { return Op.data("offerId", offerId); }
    public void applyTo(CustomerContext c, Actor actor, Instant at) {
      Offer o = existing(c, offerId);
      if (!"issued".equals(o.status())) throw Refusal.invalidState("offer " + offerId + " is " + o.status());
      c.offers().put(offerId, new Offer(o.offerId(), o.title(), o.originChannel(), o.eligibleChannels(), o.price(),
          o.validUntil(), "expired", o.issuedAt(), null, null));
    }
  }
}
