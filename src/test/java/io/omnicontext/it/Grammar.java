package io.omnicontext.it;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The contract's inputs as a grammar, and its mutations: every op with every field missing, null, of
 * the wrong type, huge, holding unicode edge cases, nested too deep, numbers and dates out of range;
 * bodies that are not JSON; tokens that are not valid. Everything is drawn from one seeded Random, so a
 * run is repeatable.
 */
final class Grammar {
  /** Who reads an answer, and so what it must never show. */
  enum Reader { STAFF, CUSTOMER, OTHER_TENANT }

  /** One REST request of the battery. */
  record Http(String label, String method, String path, String token, byte[] body, Map<String, String> headers, Reader reader) {}

  private static final String SOON = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
  static final List<String> CHANNELS = List.of("web", "email", "chat", "voice", "store", "mobile", "social", "system");

  /** A valid op of each kind the contract lets clients send; {@code n} makes its ids unique. */
  static List<Map<String, Object>> templates(String n) {
    return List.of(
        op("profile.set", "fields", map("name", "Ada " + n, "tier", "gold")),
        op("identity.link", "type", "email", "value", "ada-" + n + "@example.com"),
        op("preference.set", "key", "consent.marketing", "value", true),
        op("note.add", "noteId", "n-" + n, "text", "hello " + n, "visibility", "customer"),
        op("interaction.record", "interactionId", "i-" + n, "channel", "chat", "kind", "chat", "summary", "asked " + n),
        op("offer.issue", "offerId", "o-" + n, "title", "10% off", "originChannel", "email", "eligibleChannels", List.of("web", "store"),
            "price", 10, "validUntil", SOON),
        op("offer.redeem", "offerId", "o-" + n, "channel", "web"),
        op("appointment.schedule", "appointmentId", "a-" + n, "kind", "fitting", "at", SOON),
        op("appointment.reschedule", "appointmentId", "a-" + n, "kind", "fitting", "at", SOON),
        op("appointment.cancel", "appointmentId", "a-" + n),
        op("reservation.hold", "reservationId", "r-" + n, "sku", "SOFA", "storeId", "branch-X", "until", SOON),
        op("reservation.release", "reservationId", "r-" + n),
        op("reservation.fulfil", "reservationId", "r-" + n),
        op("case.open", "caseId", "k-" + n, "subject", "Sofa leg", "status", "open", "priority", "high", "owner", "agent-1"),
        op("case.update", "caseId", "k-" + n, "status", "waiting"),
        op("case.resolve", "caseId", "k-" + n),
        op("engagement.start", "engagementId", "e-" + n, "channel", "voice", "activity", "on-call"),
        op("engagement.end", "engagementId", "e-" + n),
        op("handoff.create", "handoffId", "h-" + n, "kind", "case", "ref", "k-" + n, "fromChannel", "voice", "toTeam", "store:branch-X",
            "dueBy", SOON, "note", "please call"),
        op("handoff.accept", "handoffId", "h-" + n),
        op("handoff.complete", "handoffId", "h-" + n, "outcome", "done"));
  }

  /** What a field may be replaced with: a value that is wrong somehow, or MISSING. */
  static final Object MISSING = new Object();

  static List<Supplier<Object>> mutations() {
    List<Supplier<Object>> m = new ArrayList<>();
    for (Object v : new Object[] {MISSING, null, 42, -1, 0, 1.5, -0.0, 1e308, -1e308, Long.MAX_VALUE, new java.math.BigInteger("92233720368547758070"),
        1e-320, true, false, List.of(), List.of("a"), List.of(1, 2), map(), map("a", 1), "", " ", "\t\n",
        "\u0000", "a\u0000b", "\uD800", "\uDC00x", "x\uD83D", "\u202Eevil\u202C", "\uFEFFbom", "zero\u200Bwidth", "e\u0301\u0301\u0301",
        "\uD83D\uDE00\uD83D\uDE00", "\uFFFF\uFFFE", "Ω≈ç√∫", "'; DROP TABLE change_journal; --", "../../etc/passwd", "<script>alert(1)</script>",
        "%00%ff", "\r\nX-Injected: 1", "a".repeat(129), "a".repeat(4001), "b".repeat(100_000),
        "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-13-45T25:61:61Z", "not a date",
        "2026-11-23", "9999-12-31T23:59:59Z", "2026-11-23T10:00:00+25:00", "2500-01-01T00:00:00Z", 1732000000L,
        "agent:store:branch-X", "store:", ":x", "store:branch X"}) {
      m.add(() -> v);
    }
    m.add(() -> deep(60, true));
    m.add(() -> deep(60, false));
    m.add(() -> deep(9, true));
    return m;
  }

  /** An object (or array) nested {@code depth} levels. */
  static Object deep(int depth, boolean objects) {
    Object v = "leaf";
    for (int i = 0; i < depth; i++) v = objects ? map("n", v) : List.of(v);
    return v;
  }

  /** The op with one field set to a mutation (or removed). */
  static Map<String, Object> mutate(Map<String, Object> op, String field, Object value) {
    Map<String, Object> out = new LinkedHashMap<>(op);
    if (value == MISSING) out.remove(field);
    else out.put(field, value);
    return out;
  }

  /** Bodies that are not what POST changes takes. */
  static List<byte[]> badBodies(Random r) {
    List<byte[]> b = new ArrayList<>();
    for (String s : List.of("", " ", "{", "}", "[]", "null", "42", "\"ops\"", "{\"ops\":", "{\"ops\":[}", "{\"ops\":[]}", "{\"ops\":{}}",
        "{\"ops\":null}", "{\"ops\":\"x\"}", "{\"ops\":[1]}", "{\"ops\":[null]}", "{\"ops\":[{}]}", "{\"ops\":[{\"op\":42}]}",
        "{\"ops\":[{\"op\":\"offer.teleport\"}]}", "{\"ops\":[{\"op\":\"reservation.expire\",\"reservationId\":\"r\"}]}",
        "{\"ops\":[{\"op\":\"customer.merge\",\"from\":\"x\"}]}", "{\"ops\":[{\"op\":\"attention.refresh\"}]}",
        "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{}}],\"expectedVersion\":-1}",
        "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{}}],\"expectedVersion\":\"1\"}",
        "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{}}],\"expectedVersion\":1.5}",
        "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{}}],\"expectedVersion\":99999999999999999999}",
        "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"a\":1}}]} trailing", "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"a\":1,}}]}",
        "{'ops':[]}", "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"a\":NaN}}]}", "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"a\":\"\\ud800\"}}]}",
        "{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"a\":\"\\u0000\"}}]}", "\uFEFF{\"ops\":[]}")) {
      b.add(s.getBytes(StandardCharsets.UTF_8));
    }
    b.add(new byte[] {'{', '"', 'o', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}); // invalid UTF-8
    b.add(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0});
    b.add(("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8));
    b.add(("{\"ops\":[{\"op\":\"profile.set\",\"fields\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000) + "}]}").getBytes(StandardCharsets.UTF_8));
    b.add(("{\"ops\":[{\"op\":\"profile.set\",\"fields\":{\"big\":\"" + "x".repeat(300_000) + "\"}}]}").getBytes(StandardCharsets.UTF_8));
    StringBuilder many = new StringBuilder("{\"ops\":[");
    for (int i = 0; i < 501; i++) many.append(i == 0 ? "" : ",").append("{\"op\":\"preference.set\",\"key\":\"k").append(i).append("\",\"value\":1}");
    b.add(many.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    byte[] noise = new byte[2048];
    r.nextBytes(noise);
    b.add(noise);
    return b;
  }

  /** Authorization headers that must all be 401 (null: no header at all). */
  static List<String> badAuthorizations(String tenant, String customerId) {
    long now = Instant.now().getEpochSecond();
    String claims = "{\"sub\":\"x\",\"tenant\":\"" + tenant + "\",\"groups\":[\"agent\"],\"channel\":\"web\",\"exp\":" + (now + 600) + "}";
    List<String> a = new ArrayList<>();
    a.add(null);
    a.add("");
    a.add("Bearer");
    a.add("Bearer ");
    a.add("Bearer x");
    a.add("Bearer a.b.c");
    a.add("Bearer ....");
    a.add("Basic dXNlcjpwYXNz");
    a.add("Bearer " + "A".repeat(7_000));
    a.add("Bearer " + Tokens.unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims) + ".");
    a.add("Bearer " + Tokens.unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims));
    a.add("Bearer " + Tokens.signedWith("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims, "not-the-secret-not-the-secret-0123456789"));
    a.add("Bearer " + Tokens.signedWith("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", claims, Nodes.SECRET));
    a.add("Bearer " + Tokens.signed("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"../../etc/passwd\",\"jku\":\"http://evil/\"}",
        claims.replace("\"exp\":" + (now + 600), "\"exp\":" + (now - 60))));
    for (String bad : List.of("\"exp\":\"tomorrow\"", "\"exp\":null", "\"exp\":-1", "\"exp\":" + (now - 5), "\"exp\":1e300", "\"exp\":-1e300")) {
      a.add("Bearer " + Tokens.signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims.replace("\"exp\":" + (now + 600), bad)));
    }
    // ("groups":"agent", one group as a string, is a valid token: MicroProfile JWT reads it as that one group)
    for (String bad : List.of("\"groups\":[]", "\"groups\":[\"admin\"]", "\"groups\":42", "\"groups\":[\"customer\"]")) {
      a.add("Bearer " + Tokens.signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims.replace("\"groups\":[\"agent\"]", bad)));
    }
    a.add("Bearer " + Tokens.signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims.replace("\"tenant\":\"" + tenant + "\"", "\"tenant\":\"../x\"")));
    a.add("Bearer " + Tokens.signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims.replace("\"tenant\":\"" + tenant + "\",", "")));
    a.add("Bearer " + Tokens.signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims.replace("\"sub\":\"x\",", "")));
    a.add("Bearer " + Tokens.signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "[1,2,3]"));
    a.add("Bearer " + Tokens.signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "not json"));
    a.add("Bearer " + Tokens.signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
        claims.replace("\"groups\":[\"agent\"]", "\"groups\":[\"customer\"],\"customer_id\":\"" + customerId + "/../x\"")));
    return a;
  }

  static Map<String, Object> op(String name, Object... fieldsAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", name);
    for (int i = 0; i < fieldsAndValues.length; i += 2) m.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
    return m;
  }

  /** A JSON object of the pairs; a MISSING value leaves its member out. */
  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != MISSING) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private Grammar() {}
}
