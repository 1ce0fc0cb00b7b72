package io.omnicontext.domain;

import static io.omnicontext.domain.Fixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.omnicontext.domain.Items.Offer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OfferOpsTests {
  static final Instant VALID_UNTIL = at(WEEK_LATER);

  @Test
  void offer_issue_adds_an_issued_offer_keyed_by_its_id() {
    Commit commit = commit(empty(), T0, issue("o-1", "eligibleChannels", List.of("web", "store"), "price", 19.5));
    assertEquals(new Offer("o-1", "10% off", "email", List.of("web", "store"), 19.5, VALID_UNTIL, "issued", T0, null, null),
        commit.after().offers().get("o-1"));
    assertEquals(Map.of("offerId", "o-1", "title", "10% off", "originChannel", "email", "eligibleChannels", List.of("web", "store"),
        "price", 19.5, "validUntil", VALID_UNTIL), commit.changes().get(0).data());
  }

  @Test
  void an_offer_id_cannot_be_issued_twice() {
    CustomerContext c = given(issue("o-1"));
    refusal(Reason.VALIDATION_FAILED, () -> commit(c, T0, issue("o-1")));
  }

  @Test
  void redeem_sets_status_redeemed_with_when_and_where() {
    Instant when = T0.plusSeconds(300);
    CustomerContext c = after(given(issue("o-1")), when, redeem("o-1", "store"));
    Offer o = c.offers().get("o-1");
    assertEquals("redeemed", o.status());
    assertEquals(when, o.redeemedAt());
    assertEquals("store", o.redeemedChannel());
    assertEquals(T0, o.issuedAt());
  }

  @Test
  void a_second_redeem_names_when_and_where() {
    CustomerContext redeemed = after(given(issue("o-1")), T0.plusSeconds(300), redeem("o-1", "store"));
    for (String channel : List.of("store", "web")) {
      Refusal r = refusal(Reason.OFFER_ALREADY_REDEEMED, () -> commit(redeemed, T0.plusSeconds(900), redeem("o-1", channel)));
      assertEquals(Map.of("redeemedAt", "2026-11-23T10:05:00Z", "redeemedChannel", "store"), r.extra());
    }
    assertEquals(T0.plusSeconds(300), redeemed.offers().get("o-1").redeemedAt());
  }

  @Test
  void two_redeems_in_one_request_refuse_the_whole_request() {
    CustomerContext c = given(issue("o-1"));
    refusal(Reason.OFFER_ALREADY_REDEEMED, () -> commit(c, T0, redeem("o-1", "web"), redeem("o-1", "chat")));
    assertEquals("issued", c.offers().get("o-1").status());
    assertEquals(1, c.version());
  }

  @Test
  void redeeming_on_a_channel_outside_eligible_channels_is_not_eligible_and_the_offer_stays_issued() {
    CustomerContext c = given(issue("o-1", "eligibleChannels", List.of("web", "email")));
    Refusal r = refusal(Reason.OFFER_NOT_ELIGIBLE, () -> commit(c, T0, redeem("o-1", "store")));
    assertEquals(Map.of(), r.extra());
    assertEquals("issued", c.offers().get("o-1").status());
    assertEquals("redeemed", after(c, T0, redeem("o-1", "email")).offers().get("o-1").status());
  }

  @Test
  void without_eligible_channels_an_offer_is_redeemable_on_every_channel() {
    CustomerContext c = given(issue("o-1"));
    for (String channel : Channels.ALL) {
      Offer o = after(c, T0, redeem("o-1", channel)).offers().get("o-1");
      assertEquals("redeemed", o.status(), channel);
      assertEquals(channel, o.redeemedChannel());
    }
  }

  @Test
  void redeeming_at_or_after_valid_until_is_not_eligible_but_just_before_is() {
    CustomerContext c = given(issue("o-1"));
    refusal(Reason.OFFER_NOT_ELIGIBLE, () -> commit(c, VALID_UNTIL, redeem("o-1", "web")));
    refusal(Reason.OFFER_NOT_ELIGIBLE, () -> commit(c, VALID_UNTIL.plusSeconds(3600), redeem("o-1", "web")));
    assertEquals("redeemed", after(c, VALID_UNTIL.minusMillis(1), redeem("o-1", "web")).offers().get("o-1").status());
  }

  @Test
  void an_expired_offer_is_not_eligible() {
    CustomerContext expired = ContextRules.commit(given(issue("o-1")), List.of(new OfferOps.OfferExpire("o-1")), Actor.SERVER,
        VALID_UNTIL).after();
    Offer o = expired.offers().get("o-1");
    assertEquals("expired", o.status());
    assertNull(o.redeemedAt());
    refusal(Reason.OFFER_NOT_ELIGIBLE, () -> commit(expired, T0, redeem("o-1", "web")));
  }

  @Test
  void a_redeemed_offer_does_not_expire() {
    CustomerContext redeemed = after(given(issue("o-1")), T0, redeem("o-1", "web"));
    refusal(Reason.INVALID_STATE, () -> ContextRules.commit(redeemed, List.of(new OfferOps.OfferExpire("o-1")), Actor.SERVER, VALID_UNTIL));
  }

  @Test
  void redeeming_an_offer_that_was_never_issued_fails_validation() {
    refusal(Reason.VALIDATION_FAILED, () -> commit(empty(), T0, redeem("o-404", "web")));
  }

  static Stream<Arguments> invalid_ops() {
    var issue = issue("o-1");
    return Stream.of(
        bad("issue without offerId", "offerId", without(issue, "offerId")),
        bad("issue with a number offerId", "offerId", plus(issue, "offerId", 7)),
        bad("issue with a spaced offerId", "offerId", plus(issue, "offerId", "o 1")),
        bad("issue with a 129 character offerId", "offerId", plus(issue, "offerId", chars(129))),
        bad("issue without title", "title", without(issue, "title")),
        bad("issue with a 201 character title", "title", plus(issue, "title", chars(201))),
        bad("issue without originChannel", "originChannel", without(issue, "originChannel")),
        bad("issue with an unknown originChannel", "originChannel", plus(issue, "originChannel", "fax")),
        bad("issue with eligibleChannels as a string", "eligibleChannels", plus(issue, "eligibleChannels", "web")),
        bad("issue with empty eligibleChannels", "eligibleChannels", plus(issue, "eligibleChannels", List.of())),
        bad("issue with an unknown eligible channel", "eligibleChannels", plus(issue, "eligibleChannels", List.of("web", "fax"))),
        bad("issue with a string price", "price", plus(issue, "price", "9.99")),
        bad("issue with a negative price", "price", plus(issue, "price", -1)),
        bad("issue without validUntil", "validUntil", without(issue, "validUntil")),
        bad("issue with a word for validUntil", "validUntil", plus(issue, "validUntil", "next week")),
        bad("issue with validUntil lacking an offset", "validUntil", plus(issue, "validUntil", "2026-11-30T10:00:00")),
        bad("issue with an impossible validUntil", "validUntil", plus(issue, "validUntil", "2026-02-30T10:00:00Z")),
        bad("redeem without offerId", "offerId", op("offer.redeem", "channel", "web")),
        bad("redeem with an unknown channel", "channel", redeem("o-1", "Web")));
  }

  @Test
  void a_redeem_without_a_channel_fails_validation_when_it_is_applied() {
    // parsed without one (a customer token's redeem takes the token's channel: AccessPolicy); a staff redeem must name it
    refusal(Reason.VALIDATION_FAILED, () -> commit(given(issue("o-1")), T0, op("offer.redeem", "offerId", "o-1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid_ops")
  void a_bad_field_fails_validation_naming_the_field(String what, String field, Map<String, Object> op) {
    assertInvalid(op, field);
  }
}
