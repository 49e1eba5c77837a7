package dev.tide.lab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Line charts as inline SVG: axes with ticks, one polyline per series, a legend. Written by hand
 * so the report is one self-contained file that renders without scripts or network.
 */
final class SvgChart {

  static final int WIDTH = 920;
  static final int HEIGHT = 330;
  private static final int LEFT = 78;
  private static final int RIGHT = 20;
  private static final int TOP = 36;
  private static final int BOTTOM = 52;
  /** Points per series drawn: longer series are thinned (a one-hour run has 3,600 seconds). */
  static final int MAX_POINTS = 2_000;

  /** One line. */
  record Series(String name, String colour, double[] xs, double[] ys, boolean dashed) {
  }

  /** A shaded x range behind the series (a fault window on a chaos timeline), with a label on top. */
  record Band(double from, double to, String label, String colour) {
  }

  /** A custom x axis: positions of ticks and their labels (for the percentile axis). */
  record Tick(double at, String label) {
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final boolean logY;
  private final List<Series> series = new ArrayList<>();
  private List<Tick> xTicks;
  private final List<Band> bands = new ArrayList<>();

  SvgChart(String title, String xLabel, String yLabel, boolean logY) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.logY = logY;
  }

  SvgChart add(Series s) {
    series.add(s);
    return this;
  }

  SvgChart band(Band b) {
    bands.add(b);
    return this;
  }

  SvgChart xTicks(List<Tick> ticks) {
    this.xTicks = ticks;
    return this;
  }

  String render() {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.xs.length; i++) {
        double y = s.ys[i];
        if (Double.isNaN(y) || (logY && y <= 0)) {
          continue;
        }
        xMin = Math.min(xMin, s.xs[i]);
        xMax = Math.max(xMax, s.xs[i]);
        yMin = Math.min(yMin, y);
        yMax = Math.max(yMax, y);
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
        WIDTH, HEIGHT, WIDTH, HEIGHT));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    sb.append(text(LEFT, 22, title, "start", 15, "bold"));
    if (xMin == Double.POSITIVE_INFINITY) {
      sb.append(text(WIDTH / 2.0, HEIGHT / 2.0, "no data", "middle", 14, "normal")).append("</svg>");
      return sb.toString();
    }
    if (xMax == xMin) {
      xMax = xMin + 1;
    }
    if (logY) {
      yMin = Math.pow(10, Math.floor(Math.log10(yMin)));
      yMax = Math.pow(10, Math.ceil(Math.log10(yMax)));
      if (yMax <= yMin) {
        yMax = yMin * 10;
      }
    } else {
      yMin = 0;
      yMax = niceCeil(yMax <= 0 ? 1 : yMax * 1.05);
    }
    final double fxMin = xMin;
    final double fxMax = xMax;
    final double fyMin = yMin;
    final double fyMax = yMax;
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    DoubleFunction<Double> px = x -> LEFT + (x - fxMin) / (fxMax - fxMin) * plotW;
    DoubleFunction<Double> py = y -> {
      double f = logY ? (Math.log10(y) - Math.log10(fyMin)) / (Math.log10(fyMax) - Math.log10(fyMin))
          : (y - fyMin) / (fyMax - fyMin);
      return TOP + plotH - f * plotH;
    };
    // shaded bands (fault windows), behind everything else; labels staggered so neighbours stay readable
    for (int i = 0; i < bands.size(); i++) {
      Band b = bands.get(i);
      double x0 = px.apply(Math.max(fxMin, b.from));
      double x1 = px.apply(Math.min(fxMax, Math.max(b.from, b.to)));
      if (x1 < x0 || b.from > fxMax) {
        continue;
      }
      sb.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.18\"><title>%s</title></rect>",
          x0, TOP, Math.max(1.5, x1 - x0), plotH, b.colour, esc(b.label)));
      sb.append(text(x0 + 2, TOP + 12 + (i % 3) * 11, b.label, "start", 9, "normal"));
    }
    // grid and y ticks
    for (double t : yTicks(yMin, yMax)) {
      double y = py.apply(t);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>",
          LEFT, y, LEFT + plotW, y));
      sb.append(text(LEFT - 6, y + 4, fmt(t), "end", 11, "normal"));
    }
    // x ticks
    List<Tick> ticks = xTicks != null ? xTicks : linearTicks(xMin, xMax);
    for (Tick t : ticks) {
      if (t.at < xMin - 1e-9 || t.at > xMax + 1e-9) {
        continue;
      }
      double x = px.apply(t.at);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e7eb\"/>",
          x, TOP, x, TOP + plotH));
      sb.append(text(x, TOP + plotH + 16, t.label, "middle", 11, "normal"));
    }
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#9ca3af\"/>",
        LEFT, TOP, plotW, plotH));
    sb.append(text(LEFT + plotW / 2.0, HEIGHT - 10, xLabel, "middle", 12, "normal"));
    sb.append(String.format(Locale.ROOT,
        "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" text-anchor=\"middle\" font-family=\"sans-serif\" "
            + "font-size=\"12\" fill=\"#111827\">%s</text>", TOP + plotH / 2.0, TOP + plotH / 2.0, esc(yLabel)));
    // series
    for (Series s : series) {
      StringBuilder pts = new StringBuilder();
      int step = Math.max(1, s.xs.length / MAX_POINTS);
      for (int i = 0; i < s.xs.length; i += step) {
        double y = s.ys[i];
        if (Double.isNaN(y) || (logY && y <= 0)) {
          continue;
        }
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.apply(s.xs[i]), py.apply(Math.min(Math.max(y, fyMin), fyMax))));
      }
      sb.append(String.format(Locale.ROOT,
          "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"%s\"><title>%s</title></polyline>",
          s.colour, s.dashed ? "2" : "3", s.dashed ? " stroke-dasharray=\"6 4\"" : "", pts.toString().strip(), esc(s.name)));
    }
    // legend
    double lx = LEFT + plotW - 10;
    double ly = TOP + 14;
    for (int i = series.size() - 1; i >= 0; i--) {
      Series s = series.get(i);
      String label = esc(s.name);
      double w = 30 + label.length() * 7;
      lx -= w;
      sb.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"%s/>", lx, ly - 4,
          lx + 20, ly - 4, s.colour, s.dashed ? " stroke-dasharray=\"6 4\"" : ""));
      sb.append(text(lx + 24, ly, s.name, "start", 11, "normal"));
    }
    sb.append("</svg>");
    return sb.toString();
  }

  static List<Double> yTicksFor(double min, double max, boolean log) {
    return log ? logTicks(min, max) : linear(min, max);
  }

  private List<Double> yTicks(double min, double max) {
    return yTicksFor(min, max, logY);
  }

  private static List<Double> logTicks(double min, double max) {
    List<Double> t = new ArrayList<>();
    for (double d = min; d <= max * 1.0001; d *= 10) {
      t.add(d);
    }
    return t;
  }

  private static List<Double> linear(double min, double max) {
    double step = niceCeil((max - min) / 5);
    List<Double> t = new ArrayList<>();
    for (double v = min; v <= max + step * 1e-6 && t.size() < 12; v += step) {
      t.add(v);
    }
    return t;
  }

  private static List<Tick> linearTicks(double min, double max) {
    List<Tick> ticks = new ArrayList<>();
    for (double v : linear(Math.floor(min), max)) {
      ticks.add(new Tick(v, fmt(v)));
    }
    return ticks;
  }

  /** The smallest 1, 2 or 5 × 10^n at or above v. */
  static double niceCeil(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  static String fmt(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1fM", v / 1e6).replace(".0M", "M");
    }
    if (a >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    if (v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static String text(double x, double y, String s, String anchor, int size, String weight) {
    return String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-family=\"sans-serif\" font-size=\"%d\" font-weight=\"%s\" "
            + "fill=\"#111827\">%s</text>", x, y, anchor, size, weight, esc(s));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
