package dev.tide.server.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits a byte stream of server replies into whole RESP2 replies, failing on anything malformed. */
final class RespReplies {

  private RespReplies() {
  }

  /** The top-level replies in {@code bytes}, each as its raw text; throws if a reply is malformed or cut. */
  static List<String> split(byte[] bytes) {
    List<String> replies = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < bytes.length) {
      int start = pos[0];
      skipValue(bytes, pos);
      replies.add(new String(bytes, start, pos[0] - start, StandardCharsets.ISO_8859_1));
    }
    return replies;
  }

  private static void skipValue(byte[] b, int[] pos) {
    byte type = b[pos[0]++];
    String line = readLine(b, pos);
    switch (type) {
      case '+', '-' -> {
      }
      case ':' -> Long.parseLong(line);
      case '$' -> {
        int n = Integer.parseInt(line);
        if (n >= 0) {
          if (pos[0] + n + 2 > b.length || b[pos[0] + n] != '\r' || b[pos[0] + n + 1] != '\n') {
            throw new IllegalStateException("bulk reply of " + n + " bytes cut or not ended by CRLF");
          }
          pos[0] += n + 2;
        }
      }
      case '*' -> {
        int n = Integer.parseInt(line);
        for (int i = 0; i < n; i++) {
          skipValue(b, pos);
        }
      }
      default -> throw new IllegalStateException("not a RESP2 reply type: " + (char) type);
    }
  }

  private static String readLine(byte[] b, int[] pos) {
    for (int i = pos[0]; i + 1 < b.length; i++) {
      if (b[i] == '\r') {
        if (b[i + 1] != '\n') {
          throw new IllegalStateException("CR not followed by LF in a reply line");
        }
        String line = new String(b, pos[0], i - pos[0], StandardCharsets.ISO_8859_1);
        pos[0] = i + 2;
        return line;
      }
      if (b[i] == '\n') {
        throw new IllegalStateException("bare LF in a reply line");
      }
    }
    throw new IllegalStateException("reply line not ended");
  }
}
