package org.parley.admin.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.usage.UsageSample;
import org.parley.api.usage.WeeklyUsers;

class DashboardPageTest {
    private static final Instant T0 = Instant.parse("2026-11-29T18:00:00Z");

    private static UsageSample sample(int minutes, int online, long logins, long failed) {
        return new UsageSample(T0.plusSeconds(60L * minutes), online, online + 1, 2.5, 1.25, 0.5, logins, failed,
                Duration.ofHours(27).plusMinutes(5), 64L << 20, 1L << 30);
    }

    @Test
    void theFiguresNowTheChartsAndEveryWeekAreShown() {
        List<UsageSample> history = List.of(sample(0, 1, 3, 0), sample(60, 2, 5, 1), sample(125, 4, 9, 1));
        List<WeeklyUsers> weeks = List.of(new WeeklyUsers("2026-W48", LocalDate.of(2026, 11, 23), 7),
                new WeeklyUsers("2026-W47", LocalDate.of(2026, 11, 16), 11));
        String html = DashboardPage.render(history.get(2), history, weeks, null);
        assertTrue(html.contains("<td id=\"online-users\">4</td>"), html);
        assertTrue(html.contains("<td id=\"sessions\">5</td>"), html);
        assertTrue(html.contains("<td id=\"messages-per-second\">2.50</td>"), html);
        assertTrue(html.contains("<td id=\"failed-logins\">1</td>"), html);
        assertTrue(html.contains("<td id=\"distinct-this-week\">7 (2026-W48)</td>"), html);
        assertTrue(html.contains("<td id=\"uptime\">1 d 3 h 5 min</td>"), html);
        assertTrue(html.contains("<td id=\"memory\">64 MiB of 1.0 GiB</td>"), html);
        assertTrue(html.contains("The last 2 h 5 min"), html);
        for (String chart : List.of("chart-online", "chart-stanzas", "chart-logins", "chart-memory", "chart-weeks")) {
            assertTrue(html.contains("id=\"" + chart + "\""), chart);
        }
        assertTrue(html.contains("<td>2026-W47</td><td>2026-11-16</td><td>11</td>"), html);
        assertTrue(html.indexOf(">W47<") < html.indexOf(">W48<"), "the bars run from the oldest week to this one");
        assertFalse(html.contains("<script"));
    }

    @Test
    void weeksThatCouldNotBeReadAreReportedAndTheRestIsShown() {
        UsageSample now = sample(0, 2, 1, 0);
        String html = DashboardPage.render(now, List.of(now), null, "the database is not available");
        assertTrue(html.contains("id=\"weeks-error\">the database is not available<"), html);
        assertTrue(html.contains("<td id=\"distinct-this-week\">unknown</td>"), html);
        assertTrue(html.contains("id=\"chart-online\""), html);
        List<UsageSample> seconds = List.of(now, new UsageSample(now.at().plusSeconds(40), 2, 3, 0, 0, 0, 1, 0, Duration.ZERO, 1, 1));
        assertTrue(DashboardPage.render(now, seconds, List.of(), null).contains("The last 40 s"));
    }

    @Test
    void withoutTheUsageBundleThePageSaysSoAndShowsWhatTheConsoleKnows() {
        String html = DashboardPage.withoutUsage(3, Duration.ofMinutes(90), 10L << 20, -1);
        assertTrue(html.contains("id=\"usage-missing\""), html);
        assertTrue(html.contains("<td id=\"sessions\">3</td>"), html);
        assertTrue(html.contains("<td id=\"uptime\">1 h 30 min</td>"), html);
        assertTrue(html.contains("<td id=\"memory\">10 MiB</td>"), html);
        assertTrue(DashboardPage.withoutUsage(-1, Duration.ZERO, 0, 0).contains("session core is not running"));
    }

    @Test
    void loginsAreChartedAsWhatEachSampleAddedAndARestartIsNoNegativeSpike() {
        List<UsageSample> history = List.of(sample(0, 1, 3, 0), sample(1, 1, 5, 2), sample(2, 1, 1, 0));
        assertArrayEquals(new double[] {0, 2, 0}, DashboardPage.deltas(history, UsageSample::logins));
        assertArrayEquals(new double[] {0, 2, 0}, DashboardPage.deltas(history, UsageSample::failedLogins));
        assertEquals("unknown", DashboardPage.bytes(-1));
        assertEquals("0.00", DashboardPage.rate(Double.NaN));
    }
}
