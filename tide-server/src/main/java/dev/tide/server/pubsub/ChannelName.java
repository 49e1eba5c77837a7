package dev.tide.server.pubsub;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A channel or pattern name: bytes compared by content, usable as a hash key. Immutable. */
public final class ChannelName {

  private final byte[] bytes;
  private final int hash;

  private ChannelName(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** Copies {@code bytes}, so the caller's array may be reused. */
  public static ChannelName of(byte[] bytes) {
    return new ChannelName(Arrays.copyOf(bytes, bytes.length));
  }

  /** The name's bytes; callers must not change them. */
  public byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelName other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
