package dev.tide.engine.slots;

/**
 * Key to hash slot, exactly as Redis Cluster: CRC16 (XMODEM) of the key, or of the part between
 * the first '{' and the next '}' when that part is non-empty (a hash tag), modulo 16384.
 */
public final class Slots {

  public static final int COUNT = 16384;

  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      TABLE[i] = crc & 0xffff;
    }
  }

  private Slots() {
  }

  public static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
    }
    return crc;
  }

  public static int slot(byte[] key) {
    int open = -1;
    for (int i = 0; i < key.length; i++) {
      if (key[i] == '{') {
        open = i;
        break;
      }
    }
    if (open >= 0) {
      for (int close = open + 1; close < key.length; close++) {
        if (key[close] == '}') {
          if (close > open + 1) {
            return crc16(key, open + 1, close) & (COUNT - 1);
          }
          break;
        }
      }
    }
    return crc16(key, 0, key.length) & (COUNT - 1);
  }
}
