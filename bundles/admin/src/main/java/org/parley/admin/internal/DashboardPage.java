package org.parley.admin.internal;

import static org.parley.admin.internal.PageKit.esc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.parley.api.usage.UsageSample;
import org.parley.api.usage.WeeklyUsers;

/**
 * The dashboard's body: the figures now, charts of the last hours and the distinct users of each
 * week, from the usage bundle's {@link org.parley.api.usage.UsageStatistics}. Without that bundle
 * it says so and shows what the console knows itself (sessions, the JVM's uptime and heap).
 */
final class DashboardPage {
    /** Weeks the dashboard lists and charts. */
    static final int WEEKS = 12;

    private DashboardPage() {
    }

    /**
     * @param weeks newest first, as the usage service gives them; null when they could not be read
     * @param weeksProblem why they could not be read, or null
     */
    static String render(UsageSample now, List<UsageSample> history, List<WeeklyUsers> weeks, String weeksProblem) {
        StringBuilder body = new StringBuilder();
        body.append("<table id=\"figures\">")
                .append(row("online-users", "Online users", Integer.toString(now.onlineUsers())))
                .append(row("sessions", "Sessions", Integer.toString(now.sessions())))
                .append(row("messages-per-second", "Messages per second", rate(now.messagesPerSecond())))
                .append(row("presences-per-second", "Presences per second", rate(now.presencesPerSecond())))
                .append(row("iqs-per-second", "IQs per second", rate(now.iqsPerSecond())))
                .append(row("logins", "Logins since start", Long.toString(now.logins())))
                .append(row("failed-logins", "Failed logins since start", Long.toString(now.failedLogins())))
                .append(row("distinct-this-week", "Distinct users this week",
                        weeks == null || weeks.isEmpty() ? "unknown" : weeks.get(0).distinctUsers() + " (" + weeks.get(0).isoWeek() + ")"))
                .append(row("uptime", "Uptime", duration(now.uptime())))
                .append(row("memory", "Heap in use", bytes(now.heapUsedBytes()) + (now.heapMaxBytes() > 0 ? " of " + bytes(now.heapMaxBytes()) : "")))
                .append("</table>");

        List<Instant> times = history.stream().map(UsageSample::at).toList();
        body.append("<h2>The last ").append(hours(history)).append("</h2><div class=\"charts\">");
        body.append(SvgChart.lines("chart-online", "Online", times, List.of(
                series("users", history, s -> s.onlineUsers()), series("sessions", history, s -> s.sessions()))));
        body.append(SvgChart.lines("chart-stanzas", "Stanzas per second", times, List.of(
                series("messages", history, UsageSample::messagesPerSecond), series("presences", history, UsageSample::presencesPerSecond),
                series("iqs", history, UsageSample::iqsPerSecond))));
        body.append(SvgChart.lines("chart-logins", "Logins per sample", times, List.of(
                new SvgChart.Series("logins", deltas(history, UsageSample::logins)),
                new SvgChart.Series("failed", deltas(history, UsageSample::failedLogins)))));
        body.append(SvgChart.lines("chart-memory", "Heap in use (MiB)", times, List.of(
                series("heap", history, s -> s.heapUsedBytes() / 1048576.0))));
        body.append("</div>");

        body.append("<h2>Distinct users per week</h2>");
        if (weeks == null) {
            body.append("<p class=\"error\" id=\"weeks-error\">").append(esc(weeksProblem)).append("</p>");
        } else {
            List<WeeklyUsers> oldestFirst = new ArrayList<>(weeks);
            java.util.Collections.reverse(oldestFirst);
            long[] counts = oldestFirst.stream().mapToLong(WeeklyUsers::distinctUsers).toArray();
            body.append(SvgChart.bars("chart-weeks", "Distinct users per ISO week", oldestFirst.stream()
                    .map(w -> w.isoWeek().substring(w.isoWeek().indexOf('W'))).toList(), counts));
            body.append("<table id=\"weeks\"><tr><th>Week</th><th>From</th><th>Distinct users</th></tr>");
            for (WeeklyUsers w : weeks) {
                body.append("<tr><td>").append(esc(w.isoWeek())).append("</td><td>").append(esc(w.monday())).append("</td><td>")
                        .append(w.distinctUsers()).append("</td></tr>");
            }
            body.append("</table>");
        }
        body.append("<p><small>Sampled at ").append(esc(now.at())).append(". Counts since start reset when the server restarts; "
                + "the weekly figures are kept in storage.</small></p>");
        return body.toString();
    }

    /** Without the usage bundle: what the console knows itself, and where the rest comes from. */
    static String withoutUsage(int sessions, Duration uptime, long heapUsed, long heapMax) {
        return "<p class=\"notice\" id=\"usage-missing\">The usage figures are not available: the <code>usage</code> bundle "
                + "(org.parley.usage, in the core feature) is not installed or not running. Stanzas per second, logins, distinct "
                + "users per week and the charts come from it.</p><table id=\"figures\">"
                + row("sessions", "Sessions", sessions < 0 ? "unknown (the session core is not running)" : Integer.toString(sessions))
                + row("uptime", "Uptime", duration(uptime))
                + row("memory", "Heap in use", bytes(heapUsed) + (heapMax > 0 ? " of " + bytes(heapMax) : ""))
                + "</table>";
    }

    private static String row(String id, String label, String value) {
        return "<tr><th>" + esc(label) + "</th><td id=\"" + id + "\">" + esc(value) + "</td></tr>";
    }

    private static SvgChart.Series series(String name, List<UsageSample> history, ToDoubleFunction<UsageSample> value) {
        return new SvgChart.Series(name, history.stream().mapToDouble(value).toArray());
    }

    /** What a growing total added since the sample before (0 for the first, and where a restart made it smaller). */
    static double[] deltas(List<UsageSample> history, java.util.function.ToLongFunction<UsageSample> total) {
        double[] result = new double[history.size()];
        for (int i = 1; i < result.length; i++) {
            result[i] = Math.max(0, total.applyAsLong(history.get(i)) - total.applyAsLong(history.get(i - 1)));
        }
        return result;
    }

    private static String hours(List<UsageSample> history) {
        if (history.size() < 2) {
            return "hours";
        }
        Duration span = Duration.between(history.get(0).at(), history.get(history.size() - 1).at());
        if (span.toHours() >= 1) {
            return span.toHours() + " h " + span.toMinutesPart() + " min";
        }
        return span.toMinutes() >= 1 ? span.toMinutes() + " min" : span.toSeconds() + " s";
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.2f", Double.isFinite(perSecond) ? perSecond : 0);
    }

    static String duration(Duration d) {
        long days = d.toDays();
        return (days > 0 ? days + " d " : "") + d.toHoursPart() + " h " + d.toMinutesPart() + " min";
    }

    static String bytes(long n) {
        if (n < 0) {
            return "unknown";
        }
        return n >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MiB", n >> 20);
    }
}
