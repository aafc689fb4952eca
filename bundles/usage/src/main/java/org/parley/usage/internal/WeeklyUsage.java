package org.parley.usage.internal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.parley.api.usage.WeeklyUsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who was active this ISO week (UTC): the week's users in memory, so a sign-in costs a set lookup
 * on the session thread and only a user's first sign-in of the week is written; the writes wait in
 * a queue that {@link #flush} (on the worker pool) takes to storage in one batch.
 */
final class WeeklyUsage {
    private static final Logger LOG = LoggerFactory.getLogger(WeeklyUsage.class);
    /** A flush that keeps failing holds at most this many sign-ins for the next try. */
    static final int MAX_PENDING = 1_000_000;

    private record Active(LocalDate monday, String username) {
    }

    private final WeeklyStore store;
    private final Clock clock;
    private volatile int weeksKept;
    private volatile LocalDate week;
    private volatile Set<String> seen = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Active> pending = new ConcurrentLinkedQueue<>();
    /** The week whose older weeks were last deleted; only flush and load touch it (one at a time). */
    private LocalDate forgottenFor;

    WeeklyUsage(WeeklyStore store, Clock clock, int weeksKept) {
        this.store = store;
        this.clock = clock;
        this.weeksKept = weeksKept;
        this.week = monday(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    }

    static LocalDate monday(LocalDate day) {
        return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    static String isoWeek(LocalDate monday) {
        return String.format("%d-W%02d", monday.get(IsoFields.WEEK_BASED_YEAR), monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    void weeksKept(int weeks) {
        weeksKept = weeks;
    }

    /** Blocking: reads whom this week counted before a restart, and drops weeks past what is kept. */
    synchronized void load() throws SQLException {
        LocalDate monday = week;
        Set<String> known = ConcurrentHashMap.newKeySet();
        known.addAll(store.users(monday));
        known.addAll(seen); // sign-ins while loading
        seen = known;
        forgetOld(monday);
    }

    private void forgetOld(LocalDate monday) throws SQLException {
        forgottenFor = monday;
        int deleted = store.forgetBefore(monday.minusWeeks(weeksKept - 1L));
        if (deleted > 0) {
            LOG.info("Forgot {} weekly usage rows older than {} weeks", deleted, weeksKept);
        }
    }

    /**
     * An account was active now. Never blocks. When a new week has begun, the users still online
     * (given by {@code online}) are this week's first.
     */
    void active(String username, Collection<String> online) {
        LocalDate today = monday(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        if (!today.equals(week)) {
            roll(today, online);
        }
        if (seen.add(username) && pending.size() < MAX_PENDING) {
            pending.add(new Active(week, username));
        }
    }

    /** Starts a new week if the clock says so; the sampler calls it so a quiet Monday rolls too. */
    void tick(Collection<String> online) {
        LocalDate today = monday(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        if (!today.equals(week)) {
            roll(today, online);
        }
    }

    private synchronized void roll(LocalDate monday, Collection<String> online) {
        if (monday.equals(week)) {
            return;
        }
        week = monday;
        seen = ConcurrentHashMap.newKeySet();
        for (String user : online) {
            if (seen.add(user)) {
                pending.add(new Active(monday, user));
            }
        }
    }

    /** Blocking: writes what waits. What fails to be written waits for the next flush. */
    synchronized void flush() throws SQLException {
        List<Active> batch = new ArrayList<>();
        for (Active a; (a = pending.poll()) != null; ) {
            batch.add(a);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            Map<LocalDate, List<String>> byWeek = new java.util.TreeMap<>();
            for (Active a : batch) {
                byWeek.computeIfAbsent(a.monday(), m -> new ArrayList<>()).add(a.username());
            }
            for (Map.Entry<LocalDate, List<String>> e : byWeek.entrySet()) {
                store.record(e.getKey(), e.getValue());
            }
            if (!week.equals(forgottenFor)) {
                forgetOld(week); // a week has begun since the last flush
            }
        } catch (SQLException | RuntimeException e) {
            if (pending.size() < MAX_PENDING) {
                pending.addAll(batch);
            }
            throw e;
        }
    }

    /** Blocking: this week and the ones before it, newest first, {@code weeks} of them. */
    List<WeeklyUsers> weeks(int weeks) throws SQLException {
        flush();
        LocalDate newest = week;
        LocalDate oldest = newest.minusWeeks(weeks - 1L);
        Map<LocalDate, Long> counts = store.counts(oldest);
        List<WeeklyUsers> result = new ArrayList<>(weeks);
        for (LocalDate m = newest; !m.isBefore(oldest); m = m.minusWeeks(1)) {
            result.add(new WeeklyUsers(isoWeek(m), m, counts.getOrDefault(m, 0L)));
        }
        return result;
    }

    int pending() {
        return pending.size();
    }

    LocalDate week() {
        return week;
    }
}
