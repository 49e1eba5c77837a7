package dev.tide.autoscaler.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A line chart as inline SVG (no scripts, no network): axes, grid, one polyline per series, legend. */
final class SvgChart {

  static final int WIDTH = 960;
  static final int HEIGHT = 300;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 34;
  private static final int BOTTOM = 44;

  record Series(String name, String colour, double[] ys) {
  }

  private final String title;
  private final String yLabel;
  private final boolean logY;
  private final List<Series> series = new ArrayList<>();

  SvgChart(String title, String yLabel, boolean logY) {
    this.title = title;
    this.yLabel = yLabel;
    this.logY = logY;
  }

  SvgChart add(String name, String colour, double[] ys) {
    series.add(new Series(name, colour, ys));
    return this;
  }

  /** Renders with the x axis in hours, one point per minute. */
  String render() {
    int n = 0;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = 0;
    for (Series s : series) {
      n = Math.max(n, s.ys.length);
      for (double y : s.ys) {
        if (Double.isFinite(y) && (!logY || y > 0)) {
          yMin = Math.min(yMin, y);
          yMax = Math.max(yMax, y);
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" role=\"img\"><rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>",
        WIDTH, HEIGHT, WIDTH, HEIGHT));
    sb.append(text(LEFT, 22, title, "start", 15));
    if (n < 2 || yMax <= 0) {
      return sb.append(text(WIDTH / 2.0, HEIGHT / 2.0, "no data", "middle", 13)).append("</svg>").toString();
    }
    double lo;
    double hi;
    if (logY) {
      lo = Math.pow(10, Math.floor(Math.log10(yMin)));
      hi = Math.pow(10, Math.ceil(Math.log10(yMax)));
      if (hi <= lo) {
        hi = lo * 10;
      }
    } else {
      lo = 0;
      hi = niceCeil(yMax * 1.05);
    }
    int w = WIDTH - LEFT - RIGHT;
    int h = HEIGHT - TOP - BOTTOM;
    List<Double> ticks = new ArrayList<>();
    if (logY) {
      for (double v = lo; v <= hi * 1.0001 && ticks.size() < 12; v *= 10) {
        ticks.add(v);
      }
    } else {
      double step = niceCeil(hi / 5);
      for (double v = 0; v <= hi + step * 1e-6 && ticks.size() < 12; v += step) {
        ticks.add(v);
      }
    }
    for (double t : ticks) {
      double y = py(t, lo, hi, h);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>",
          LEFT, y, LEFT + w, y));
      sb.append(text(LEFT - 6, y + 4, fmt(t), "end", 11));
    }
    double hours = n / 60.0;
    double hourStep = hours <= 6 ? 1 : hours <= 24 ? 2 : hours <= 72 ? 6 : 24;
    for (double hr = 0; hr <= hours + 1e-9; hr += hourStep) {
      double x = LEFT + hr / hours * w;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e7eb\"/>",
          x, TOP, x, TOP + h));
      sb.append(text(x, TOP + h + 16, fmt(hr) + "h", "middle", 11));
    }
    sb.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#9ca3af\"/>", LEFT, TOP, w, h));
    sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" "
        + "text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"12\">%s</text>", TOP + h / 2.0,
        TOP + h / 2.0, esc(yLabel)));
    for (Series s : series) {
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < s.ys.length; i++) {
        double y = s.ys[i];
        if (!Double.isFinite(y) || (logY && y <= 0)) {
          continue;
        }
        double x = LEFT + (double) i / Math.max(1, n - 1) * w;
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, py(Math.min(Math.max(y, lo), hi), lo, hi, h)));
      }
      sb.append("<polyline fill=\"none\" stroke=\"").append(s.colour).append("\" stroke-width=\"1.6\" points=\"")
          .append(pts.toString().strip()).append("\"><title>").append(esc(s.name)).append("</title></polyline>");
    }
    double lx = LEFT + 8;
    for (Series s : series) {
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-width=\"3\"/>", lx, TOP + 12, lx + 18, TOP + 12, s.colour));
      sb.append(text(lx + 22, TOP + 16, s.name, "start", 11));
      lx += 34 + s.name.length() * 7;
    }
    return sb.append("</svg>").toString();
  }

  private double py(double y, double lo, double hi, int h) {
    double f = logY ? (Math.log10(y) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (y - lo) / (hi - lo);
    return TOP + h - f * h;
  }

  static double niceCeil(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  static String fmt(double v) {
    if (v >= 1e6) {
      return trim(v / 1e6) + "M";
    }
    if (v >= 1e3) {
      return trim(v / 1e3) + "k";
    }
    return trim(v);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  private static String text(double x, double y, String s, String anchor, int size) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-family=\"sans-serif\" "
        + "font-size=\"%d\" fill=\"#111827\">%s</text>", x, y, anchor, size, esc(s));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
