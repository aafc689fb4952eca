package org.parley.usage.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.usage.WeeklyUsers;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

class WeeklyUsageTest {
    private final TestSqlDatabase database = TestSqlDatabase.h2InMemory();
    /** Wednesday of ISO week 48 of 2026. */
    private final TestSupport.MovableClock clock = new TestSupport.MovableClock("2026-11-25T10:00:00Z");

    @AfterEach
    void close() {
        database.close();
    }

    private WeeklyUsage started(int weeksKept) throws Exception {
        WeeklyStore store = new WeeklyStore(database);
        store.migrate();
        WeeklyUsage weekly = new WeeklyUsage(store, clock, weeksKept);
        weekly.load();
        return weekly;
    }

    @Test
    void isoWeeksBeginOnMondayAndAreNamedTheIsoWay() {
        assertEquals(LocalDate.parse("2026-11-23"), WeeklyUsage.monday(LocalDate.parse("2026-11-29")));
        assertEquals(LocalDate.parse("2026-11-23"), WeeklyUsage.monday(LocalDate.parse("2026-11-23")));
        assertEquals("2026-W48", WeeklyUsage.isoWeek(LocalDate.parse("2026-11-23")));
        // 2027-01-01 is a Friday: it belongs to the last week of 2026.
        assertEquals("2026-W53", WeeklyUsage.isoWeek(WeeklyUsage.monday(LocalDate.parse("2027-01-01"))));
    }

    @Test
    void aUserSigningInOftenIsOneUserOfTheWeekAndARestartNeitherResetsNorDoublesIt() throws Exception {
        WeeklyUsage weekly = started(10);
        for (int i = 0; i < 50; i++) {
            weekly.active("alice", List.of());
        }
        weekly.active("bob", List.of());
        assertEquals(2, weekly.pending(), "only the first sign-in of the week is written");
        weekly.flush();
        assertEquals(2, database.count("SELECT COUNT(*) FROM usage_weekly_user"));

        WeeklyUsage restarted = started(10);
        restarted.active("alice", List.of());
        restarted.active("carol", List.of());
        assertEquals(1, restarted.pending(), "alice was counted this week before the restart");
        List<WeeklyUsers> weeks = restarted.weeks(1);
        assertEquals(List.of(new WeeklyUsers("2026-W48", LocalDate.parse("2026-11-23"), 3)), weeks);
    }

    @Test
    void aNewWeekCountsWhoIsStillOnlineAndListsEveryWeekNewestFirst() throws Exception {
        WeeklyUsage weekly = started(10);
        weekly.active("alice", List.of());
        weekly.active("bob", List.of());
        weekly.flush();
        clock.now = Instant.parse("2026-12-07T00:00:01Z"); // two weeks on: week 50, week 49 had nobody
        weekly.tick(Set.of("bob"));
        weekly.active("carol", Set.of("bob"));
        List<WeeklyUsers> weeks = weekly.weeks(4);
        assertEquals(List.of(
                new WeeklyUsers("2026-W50", LocalDate.parse("2026-12-07"), 2),
                new WeeklyUsers("2026-W49", LocalDate.parse("2026-11-30"), 0),
                new WeeklyUsers("2026-W48", LocalDate.parse("2026-11-23"), 2),
                new WeeklyUsers("2026-W47", LocalDate.parse("2026-11-16"), 0)), weeks);
    }

    @Test
    void weeksPastWhatIsKeptAreDeletedWhenANewWeekIsWritten() throws Exception {
        WeeklyUsage weekly = started(2);
        weekly.active("alice", List.of());
        weekly.flush();
        clock.now = Instant.parse("2026-12-01T08:00:00Z"); // week 49: week 48 is still kept
        weekly.active("bob", List.of());
        weekly.flush();
        assertEquals(2, database.count("SELECT COUNT(*) FROM usage_weekly_user"));
        clock.now = Instant.parse("2026-12-08T08:00:00Z"); // week 50: week 48 goes
        weekly.active("carol", List.of());
        weekly.flush();
        assertEquals(0, database.count("SELECT COUNT(*) FROM usage_weekly_user WHERE username = 'alice'"));
        assertEquals(2, database.count("SELECT COUNT(*) FROM usage_weekly_user"));
    }

    @Test
    void whatStorageRefusedIsWrittenByTheNextFlush() throws Exception {
        WeeklyUsage weekly = started(10);
        weekly.active("alice", List.of());
        database.close(); // the database goes away
        try {
            weekly.flush();
        } catch (Exception expected) {
            // kept for the next try
        }
        assertEquals(1, weekly.pending());
    }
}
