package org.parley.metrics.internal;

import java.util.Locale;

/**
 * Writes the Prometheus text exposition format 0.0.4: one {@code # HELP} and {@code # TYPE} per
 * family, then its samples, label values and help text escaped as the format says.
 */
final class Exposition {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);

    /** Starts a family; its samples follow. */
    Exposition family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample without labels. */
    Exposition sample(String name, double value) {
        out.append(name).append(' ').append(number(value)).append('\n');
        return this;
    }

    /** A sample with labels given as name, value, name, value... */
    Exposition sample(String name, double value, String... labels) {
        out.append(name).append('{');
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1])).append('"');
        }
        out.append("} ").append(number(value)).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%s", value);
    }

    static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
