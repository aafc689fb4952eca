package org.parley.admin.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Line and bar charts drawn as SVG on the server, so the dashboard needs no script (the console's
 * CSP allows none) and no library. Colours are presentation attributes, not style attributes,
 * which the CSP's {@code style-src 'self'} would block. Every text is escaped; a value that is not
 * a finite number is drawn as 0.
 */
final class SvgChart {
    static final int WIDTH = 640;
    static final int HEIGHT = 220;
    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP = 28;
    private static final int BOTTOM = 30;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** One line: its name (in the legend) and a value per point in time. */
    record Series(String name, double[] values) {
    }

    private SvgChart() {
    }

    /**
     * Lines over time, a shared y axis from 0 to a round maximum.
     *
     * @param times when each point was taken, oldest first; every series has one value per time
     */
    static String lines(String id, String title, List<Instant> times, List<Series> series) {
        StringBuilder svg = open(id, title);
        int n = times.size();
        if (n == 0 || series.isEmpty()) {
            return empty(svg, "no samples yet");
        }
        double max = 0;
        for (Series s : series) {
            if (s.values().length != n) {
                throw new IllegalArgumentException(s.name() + " has " + s.values().length + " values for " + n + " times");
            }
            for (double v : s.values()) {
                max = Math.max(max, finite(v));
            }
        }
        double top = roundUp(max);
        axes(svg, top);
        for (int i = 0; i < series.size(); i++) {
            double[] values = series.get(i).values();
            StringBuilder points = new StringBuilder();
            for (int j = 0; j < n; j++) {
                points.append(j == 0 ? "" : " ").append(num(x(j, n))).append(',').append(num(y(finite(values[j]), top)));
            }
            svg.append("<polyline class=\"series\" fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour(i)).append("\" points=\"")
                    .append(points).append("\"><title>").append(PageKit.esc(series.get(i).name())).append("</title></polyline>");
        }
        svg.append(label(LEFT, HEIGHT - 8, "start", CLOCK.format(times.get(0)) + " UTC"));
        svg.append(label(WIDTH - RIGHT, HEIGHT - 8, "end", CLOCK.format(times.get(n - 1)) + " UTC"));
        legend(svg, series.stream().map(Series::name).toList());
        return svg.append("</svg>").toString();
    }

    /** One bar per label, from 0 to a round maximum, each with its value above it. */
    static String bars(String id, String title, List<String> labels, long[] values) {
        StringBuilder svg = open(id, title);
        int n = labels.size();
        if (values.length != n) {
            throw new IllegalArgumentException(values.length + " values for " + n + " labels");
        }
        if (n == 0) {
            return empty(svg, "nothing to show yet");
        }
        long max = 0;
        for (long v : values) {
            max = Math.max(max, v);
        }
        double top = roundUp(max);
        axes(svg, top);
        double slot = (double) (WIDTH - LEFT - RIGHT) / n;
        double barWidth = Math.max(1, slot * 0.7);
        for (int i = 0; i < n; i++) {
            double value = Math.max(0, values[i]);
            double x = LEFT + slot * i + (slot - barWidth) / 2;
            double y = y(value, top);
            svg.append("<rect class=\"bar\" fill=\"").append(COLOURS[0]).append("\" x=\"").append(num(x)).append("\" y=\"").append(num(y))
                    .append("\" width=\"").append(num(barWidth)).append("\" height=\"").append(num(HEIGHT - BOTTOM - y)).append("\"><title>")
                    .append(PageKit.esc(labels.get(i) + ": " + values[i])).append("</title></rect>");
            svg.append(label(x + barWidth / 2, y - 3, "middle", Long.toString(values[i])));
            svg.append(label(x + barWidth / 2, HEIGHT - 8, "middle", labels.get(i)));
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(String id, String title) {
        StringBuilder svg = new StringBuilder(2048);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"").append(PageKit.esc(id))
                .append("\" role=\"img\" aria-label=\"").append(PageKit.esc(title)).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\">")
                .append("<title>").append(PageKit.esc(title)).append("</title>");
        svg.append(label(LEFT, 16, "start", title));
        return svg;
    }

    private static String empty(StringBuilder svg, String text) {
        return svg.append(label(WIDTH / 2.0, HEIGHT / 2.0, "middle", text)).append("</svg>").toString();
    }

    private static void axes(StringBuilder svg, double top) {
        for (int k = 0; k <= 4; k++) {
            double value = top * k / 4;
            double y = y(value, top);
            svg.append("<line class=\"grid\" stroke=\"#ddd\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(num(y)).append("\" y2=\"").append(num(y)).append("\"/>");
            svg.append(label(LEFT - 4, y + 4, "end", tick(value)));
        }
    }

    private static void legend(StringBuilder svg, List<String> names) {
        double x = WIDTH - RIGHT;
        for (int i = names.size() - 1; i >= 0; i--) {
            String name = names.get(i);
            svg.append(text(x, 16, "end", colour(i), name));
            x -= 8 + 7 * name.length();
        }
    }

    private static String label(double x, double y, String anchor, String text) {
        return text(x, y, anchor, "#333", text);
    }

    private static String text(double x, double y, String anchor, String fill, String text) {
        return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" fill=\"" + fill + "\" font-size=\"11\">"
                + PageKit.esc(text) + "</text>";
    }

    private static double x(int index, int count) {
        double plot = WIDTH - LEFT - RIGHT;
        return count == 1 ? LEFT + plot / 2 : LEFT + plot * index / (count - 1);
    }

    private static double y(double value, double top) {
        double plot = HEIGHT - TOP - BOTTOM;
        return TOP + plot - plot * Math.min(value, top) / top;
    }

    private static String colour(int index) {
        return COLOURS[index % COLOURS.length];
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? Math.max(0, v) : 0;
    }

    /** The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least {@code max} (1 for nothing). */
    static double roundUp(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * power >= max) {
                return step * power;
            }
        }
        return 10 * power;
    }

    /** A tick label: whole numbers plainly, fractions with up to two decimals, large ones with k or M. */
    static String tick(double value) {
        if (value >= 1_000_000) {
            return trim(String.format(Locale.ROOT, "%.2f", value / 1_000_000)) + "M";
        }
        if (value >= 10_000) {
            return trim(String.format(Locale.ROOT, "%.1f", value / 1_000)) + "k";
        }
        return trim(String.format(Locale.ROOT, "%.2f", value));
    }

    private static String trim(String decimal) {
        if (decimal.indexOf('.') < 0) {
            return decimal;
        }
        String s = decimal.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String num(double v) {
        return trim(String.format(Locale.ROOT, "%.1f", v));
    }
}
