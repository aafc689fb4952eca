package org.parley.usage.internal;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.usage.UsageSample;
import org.parley.api.usage.UsageStatistics;
import org.parley.api.usage.WeeklyUsers;

/**
 * Shell commands for operators: {@code usage:now}, {@code usage:weeks [N]}, {@code usage:history};
 * {@code bin/parley usage now} runs the first. Gogo finds the methods by name; each returns the
 * text to print or throws an exception whose message is the error.
 */
@Component(service = Object.class, property = {"osgi.command.scope=usage",
    "osgi.command.function=now", "osgi.command.function=weeks", "osgi.command.function=history"})
public final class UsageCommands {
    static final int DEFAULT_WEEKS = 12;
    private static final long WAIT_SECONDS = 30;

    private final UsageStatistics usage;

    @Activate
    public UsageCommands(@Reference UsageStatistics usage) {
        this.usage = usage;
    }

    /** The figures now, one per line, {@code name: value}. */
    public String now() {
        UsageSample s = usage.now();
        return String.join("\n",
                "online users: " + s.onlineUsers(),
                "sessions: " + s.sessions(),
                "messages/s: " + rate(s.messagesPerSecond()),
                "presences/s: " + rate(s.presencesPerSecond()),
                "iqs/s: " + rate(s.iqsPerSecond()),
                "logins: " + s.logins(),
                "failed logins: " + s.failedLogins(),
                "uptime: " + s.uptime().withNanos(0),
                "heap: " + mib(s.heapUsedBytes()) + " MiB in use, limit "
                        + (s.heapMaxBytes() < 0 ? "none" : mib(s.heapMaxBytes()) + " MiB"));
    }

    /** Distinct users of this week and the {@value #DEFAULT_WEEKS} before it... */
    public String weeks() throws Exception {
        return weeks(DEFAULT_WEEKS);
    }

    /** ...or of as many weeks as asked, newest first: {@code 2026-W48 2026-11-23 1234}. */
    public String weeks(int count) throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("the number of weeks must be at least 1");
        }
        List<WeeklyUsers> weeks;
        try {
            weeks = usage.weeklyUsers(count).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the weekly figures: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the weekly figures took longer than " + WAIT_SECONDS + " s to read");
        }
        StringJoiner out = new StringJoiner("\n");
        out.add("week      monday      distinct users");
        for (WeeklyUsers w : weeks) {
            out.add(String.format(Locale.ROOT, "%-9s %s %d", w.isoWeek(), w.monday(), w.distinctUsers()));
        }
        return out.toString();
    }

    /** The samples in memory, oldest first, one per line. */
    public String history() {
        StringJoiner out = new StringJoiner("\n");
        out.add("time                 users sessions msg/s presence/s iq/s logins failed heapMiB");
        for (UsageSample s : usage.history()) {
            out.add(String.format(Locale.ROOT, "%-20s %5d %8d %5s %10s %4s %6d %6d %7d", s.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), s.onlineUsers(),
                    s.sessions(), rate(s.messagesPerSecond()), rate(s.presencesPerSecond()), rate(s.iqsPerSecond()),
                    s.logins(), s.failedLogins(), mib(s.heapUsedBytes())));
        }
        return out.toString();
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }
}
