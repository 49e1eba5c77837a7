package dev.tide.lab.resp;

/** An error reply, e.g. {@code MOVED 3999 127.0.0.1:6381}: {@code text} without the leading '-'. */
public record RespError(String text) {

  /** The first word, e.g. "MOVED", "ASK", "ERR", "WRONGTYPE". */
  public String code() {
    int sp = text.indexOf(' ');
    return sp < 0 ? text : text.substring(0, sp);
  }

  @Override
  public String toString() {
    return "-" + text;
  }
}
