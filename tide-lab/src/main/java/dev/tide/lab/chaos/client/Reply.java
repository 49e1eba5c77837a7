package dev.tide.lab.chaos.client;

/** What one call got: a value, an error reply, or nothing (the outcome is then open unless it was never sent). */
public sealed interface Reply {

  /** A non-error reply; {@code value} as {@link dev.tide.lab.resp.RespReplyDecoder} decodes it (null for a null reply). */
  record Value(Object value) implements Reply {
  }

  /** An error reply, text without the '-'. */
  record Err(String text) implements Reply {
    public String code() {
      int sp = text.indexOf(' ');
      return sp < 0 ? text : text.substring(0, sp);
    }
  }

  /**
   * No reply. {@code sent} is false when the request provably never left the client (no
   * connection), so it cannot have taken effect; true when it may have reached the server.
   */
  record Lost(String reason, boolean sent) implements Reply {
  }
}
