package dev.tide.protocol;

/** Thrown by client-side decoders when a peer breaks the protocol; the text says how. */
public final class ProtocolException extends RuntimeException {
  public ProtocolException(String message) {
    super(message);
  }
}
