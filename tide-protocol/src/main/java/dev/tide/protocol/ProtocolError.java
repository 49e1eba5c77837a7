package dev.tide.protocol;

/**
 * A request the decoder could not accept. It travels down the pipeline in order with the
 * requests decoded before it, so the client gets every earlier reply, then this error, and is
 * disconnected; the decoder discards everything after it.
 *
 * @param message the text after {@code -ERR }, e.g. {@code "Protocol error: invalid bulk length"}
 */
public record ProtocolError(String message) {
}
