package io.omnicontext.it;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 tokens as the contract's local/test mode verifies them, one fresh tenant per story. */
final class Tokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {}

  static String newTenant() { return "it-" + UUID.randomUUID().toString().substring(0, 8); }

  static String newId(String prefix) { return prefix + "-" + UUID.randomUUID().toString().substring(0, 8); }

  /** role: agent, supervisor, integration or customer. */
  static String mint(String tenant, String role, String sub, String channel, String customerId) {
    return mint(tenant, role, sub, channel, customerId, System.currentTimeMillis() / 1000 + 600);
  }

  /** A token expiring at exp (epoch seconds). */
  static String mint(String tenant, String role, String sub, String channel, String customerId, long exp) {
    String groups = role.equals("supervisor") ? "[\"agent\",\"supervisor\"]" : "[\"" + role + "\"]";
    String claims = "{\"sub\":\"" + sub + "\",\"tenant\":\"" + tenant + "\",\"groups\":" + groups + ",\"channel\":\"" + channel
        + "\",\"exp\":" + exp + (customerId == null ? "" : ",\"customer_id\":\"" + customerId + "\"") + "}";
    return signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims);
  }

  /** header.claims with no signature part. */
  static String unsigned(String header, String claims) { return b64(header) + "." + b64(claims); }

  /** header.claims signed HS256 with the test secret, whatever the header says. */
  static String signed(String header, String claims) { return signedWith(header, claims, Nodes.SECRET); }

  /** header.claims signed HS256 with {@code secret}. */
  static String signedWith(String header, String claims, String secret) {
    String signingInput = unsigned(header, claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String s) { return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8)); }
}
