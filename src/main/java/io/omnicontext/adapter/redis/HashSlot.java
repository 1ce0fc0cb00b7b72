package io.omnicontext.adapter.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Redis Cluster hash slot of a key or a sharded channel, computed exactly as Redis does: CRC16
 * (XMODEM: polynomial 0x1021, initial value 0) of the key's hash tag, modulo {@link #SLOTS}. The hash
 * tag is what lies between the first `{` and the first `}` after it, when that is not empty; otherwise
 * the whole key counts. Bytes are the key's UTF-8 encoding, as the server sees them.
 */
public final class HashSlot {
  public static final int SLOTS = 16384;

  private HashSlot() {}

  public static int of(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int from = 0;
    int to = bytes.length;
    int open = indexOf(bytes, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(bytes, (byte) '}', open + 1);
      if (close > open + 1) {
        from = open + 1;
        to = close;
      }
    }
    return crc16(bytes, from, to) & (SLOTS - 1);
  }

  /** CRC16-CCITT, XMODEM variant (the one Redis Cluster uses). */
  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc ^= (bytes[i] & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      crc &= 0xffff;
    }
    return crc;
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) if (bytes[i] == b) return i;
    return -1;
  }
}
