package io.omnicontext.bench;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 tokens as the contract's local runs verify them (claims sub, tenant, groups, channel, exp). */
final class Jwt {
  private Jwt() {}

  static String mint(String secret, String tenant, String sub, String group, String channel, long ttlSeconds) {
    long now = System.currentTimeMillis() / 1000;
    String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    String claims = "{\"sub\":\"" + sub + "\",\"tenant\":\"" + tenant + "\",\"groups\":[\"" + group + "\"],\"channel\":\""
        + channel + "\",\"iat\":" + now + ",\"exp\":" + (now + ttlSeconds) + "}";
    String input = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  private static String b64(byte[] bytes) { return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); }
}
