package org.parley.usage.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.server.TestStateHandoff;
import org.parley.api.stanza.Stanza;
import org.parley.api.usage.UsageSample;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

class UsageServiceTest {
    private final TestSqlDatabase database = TestSqlDatabase.h2InMemory();
    private final TestSupport.MovableClock clock = new TestSupport.MovableClock("2026-11-25T10:00:00Z");
    private final TestStateHandoff handoff = new TestStateHandoff();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TestSupport.Counters counters = new TestSupport.Counters();

    @AfterEach
    void close() {
        database.close();
    }

    private UsageService service(UsageSettings settings) {
        UsageService s = new UsageService(database, new TestSupport.CallerRunsPool(), handoff, settings, clock, nanos::get, false);
        s.setCounters(counters);
        return s;
    }

    @Test
    void ratesArePerSecondOverTheSamplingIntervalByKind() {
        UsageService s = service(UsageSettings.DEFAULTS);
        s.sample();
        counters.received[Stanza.Kind.MESSAGE.ordinal()] += 500;
        counters.received[Stanza.Kind.PRESENCE.ordinal()] += 30;
        counters.received[Stanza.Kind.IQ.ordinal()] += 100;
        counters.logins = 7;
        counters.failed = 2;
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(10));
        s.sample();
        UsageSample last = s.history().get(1);
        assertEquals(50.0, last.messagesPerSecond(), 1e-9);
        assertEquals(3.0, last.presencesPerSecond(), 1e-9);
        assertEquals(10.0, last.iqsPerSecond(), 1e-9);
        assertEquals(7, last.logins());
        assertEquals(2, last.failedLogins());
        assertEquals(50.0, s.now().messagesPerSecond(), 1e-9, "now() gives the latest interval's rates");
        assertTrue(s.now().heapUsedBytes() > 0);
        s.deactivate();
    }

    @Test
    void aCoreReplacedWithoutItsTotalsGivesNoNegativeRate() {
        UsageService s = service(UsageSettings.DEFAULTS);
        counters.received[Stanza.Kind.MESSAGE.ordinal()] = 1000;
        s.sample();
        TestSupport.Counters fresh = new TestSupport.Counters();
        fresh.received[Stanza.Kind.MESSAGE.ordinal()] = 20;
        s.setCounters(fresh);
        s.unsetCounters(counters);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(10));
        s.sample();
        assertEquals(2.0, s.history().get(1).messagesPerSecond(), 1e-9);
        s.deactivate();
    }

    @Test
    void theHistoryKeepsTheConfiguredHoursAndCrossesAnUpgrade() {
        UsageService s = service(new UsageSettings(3600, 2, 10)); // two samples
        for (int i = 0; i < 5; i++) {
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(3600));
            s.sample();
        }
        List<UsageSample> before = s.history();
        assertEquals(2, before.size());
        s.deactivate();
        UsageService next = service(new UsageSettings(3600, 2, 10));
        assertEquals(before, next.history(), "the successor starts with the predecessor's samples");
        next.deactivate();
    }

    @Test
    void aSignInIsInTheWeeklyFigureEvenWhenTheBundleStopsBeforeTheNextSample() throws Exception {
        UsageService s = service(UsageSettings.DEFAULTS);
        s.weekly().active("alice", List.of());
        s.deactivate();
        UsageService next = service(UsageSettings.DEFAULTS);
        assertEquals(1, next.weeklyUsers(1).toCompletableFuture().get().get(0).distinctUsers());
        next.deactivate();
    }

    @Test
    void aValueOutOfRangeIsRefusedWithItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UsageSettings.from(config(0, 6, 156)));
        assertEquals("key 'sampleSeconds': 0 is not between 1 and 3600", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UsageSettings.from(config(10, 169, 156)));
        assertThrows(IllegalArgumentException.class, () -> UsageSettings.from(config(10, 6, 0)));
        assertEquals(new UsageSettings(10, 6, 156), UsageSettings.from(config(10, 6, 156)));
    }

    static UsageConfig config(int sampleSeconds, int historyHours, int weeksKept) {
        return new UsageConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return UsageConfig.class;
            }

            @Override
            public int sampleSeconds() {
                return sampleSeconds;
            }

            @Override
            public int historyHours() {
                return historyHours;
            }

            @Override
            public int weeksKept() {
                return weeksKept;
            }
        };
    }
}
