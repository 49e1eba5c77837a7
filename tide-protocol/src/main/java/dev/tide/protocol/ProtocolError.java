package dev.tide.protocol;

import java.nio.charset.StandardCharsets;

/**
 * A request the decoder could not accept. It travels down the pipeline in order with the
 * requests decoded before it, so the client gets every earlier reply, then this error (when
 * {@link #replyToClient}), and is disconnected; the decoder discards everything after it.
 *
 * @param message the text after {@code -ERR }, e.g. {@code "Protocol error: invalid bulk length"};
 *     one char per byte (ISO-8859-1), because Redis echoes an offending byte as it came
 * @param replyToClient false where Redis closes without a word (client-query-buffer-limit); the
 *     message is then for the server log only
 */
public record ProtocolError(String message, boolean replyToClient) {

  /** An error that is sent to the client before the connection closes. */
  public ProtocolError(String message) {
    this(message, true);
  }

  /**
   * The complete error reply, {@code -ERR <message>\r\n}, byte for byte as Redis sends it: each
   * char of the message is one byte, and CR or LF inside it become spaces.
   */
  public byte[] encodeReply() {
    byte[] text = ("-ERR " + message).getBytes(StandardCharsets.ISO_8859_1);
    byte[] reply = new byte[text.length + 2];
    for (int i = 0; i < text.length; i++) {
      reply[i] = text[i] == '\r' || text[i] == '\n' ? (byte) ' ' : text[i];
    }
    reply[text.length] = '\r';
    reply[text.length + 1] = '\n';
    return reply;
  }
}
