package dev.tide.server.config;

import java.util.Locale;

/** Memory sizes as Redis writes them: {@code 100}, {@code 1k} (1000), {@code 1kb} (1024), {@code 1mb}, {@code 1gb}. */
public final class Sizes {

  private Sizes() {
  }

  /** Parses a size; throws {@link ConfigException} naming {@code setting} when malformed. */
  public static long parse(String setting, String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    long multiplier = 1;
    String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"}, {"m", "1000000"},
        {"g", "1000000000"}, {"b", "1"}};
    for (String[] u : units) {
      if (s.endsWith(u[0])) {
        multiplier = Long.parseLong(u[1]);
        s = s.substring(0, s.length() - u[0].length());
        break;
      }
    }
    try {
      long n = Long.parseLong(s);
      if (n < 0) {
        throw new ConfigException(setting + " must not be negative, got '" + text + "'");
      }
      return Math.multiplyExact(n, multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException(setting + " must be a size such as 100mb or 1gb, got '" + text + "'");
    }
  }

  /** Formats bytes the way Redis shows sizes in INFO (e.g. {@code 1.50M}). */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + "B";
    }
    String[] units = {"K", "M", "G", "T", "P"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f%s", v, units[u]);
  }
}
