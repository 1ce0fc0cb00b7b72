package io.omnicontext.testing;

import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.JsonWebSignature;

/** Tokens and keys as an OIDC provider, or an attacker, makes them: for the token tests (unit and IT) alike. */
public final class Jose {
  private Jose() {}

  /** Signs whatever the header says, as an attacker's library would (no key or algorithm checks). */
  public static String sign(String alg, Key key, String payload, Map<String, Object> headers) {
    try {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(payload);
      jws.setAlgorithmHeaderValue(alg);
      headers.forEach(jws::setHeader);
      if (key != null) jws.setKey(key);
      jws.setDoKeyValidation(false);
      jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
      return jws.getCompactSerialization();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh 2048-bit RSA key pair, for one test run only. */
  public static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public half as a JWKS entry for RS256 signatures, named kid. */
  public static RsaJsonWebKey jwk(KeyPair pair, String kid) {
    RsaJsonWebKey k = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
    k.setKeyId(kid);
    k.setAlgorithm("RS256");
    k.setUse("sig");
    return k;
  }

  public static String jwkSet(RsaJsonWebKey... keys) { return new JsonWebKeySet(keys).toJson(); }
}
