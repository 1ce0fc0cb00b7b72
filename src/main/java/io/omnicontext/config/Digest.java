package io.omnicontext.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex digests: key names, Idempotency-Key fingerprints, the erasure audit's stand-in for an id. */
public final class Digest {
  private Digest() {}

  public static String sha256(String s) { return hex("SHA-256", s); }

  /** HMAC-SHA-256 of {@code s} under {@code key}, in hex: a digest nobody without the key can recompute from a guess. */
  public static String hmacSha256(String key, String s) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
    }
  }

  /** Redis names a script by the SHA-1 of its text. */
  public static String sha1(String s) { return hex("SHA-1", s); }

  private static String hex(String algorithm, String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JVM", e);
    }
  }
}
