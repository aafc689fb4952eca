package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.mailhook.internal.Configs.config;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** The durable queue: mail the SMTP server does not take is kept, retried with backoff, sent once, across a restart. */
class OutboxTest {
    @TempDir
    Path dir;
    private TestSqlDatabase database;
    private int port;
    private GreenMail smtp; // started by the tests that want it up
    private MailNotifier notifier;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

    /** Where the outbox is kept: embedded H2 here, a real PostgreSQL in {@link PostgresOutboxTest}. */
    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.h2(dir);
    }

    @BeforeEach
    void setUp() throws Exception {
        database = newDatabase();
        database.migrate(Outbox.MODULE, Outbox.MIGRATIONS);
        port = MailNotifierTest.freePort();
    }

    @AfterEach
    void tearDown() {
        if (notifier != null) {
            notifier.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
        database.close();
    }

    private void startSmtp() {
        smtp = new GreenMail(MailNotifierTest.serverSetup(port, ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    private MailNotifier notifier(Clock clock) {
        MailSettings settings = MailSettings.from(config("smtpHost", "127.0.0.1", "smtpPort", port, "smtpSecurity", "none",
                "smtpTimeoutSeconds", 2, "retryInitialSeconds", 1, "retryMaxSeconds", 2, "retryGiveUpHours", 1), "example.edu");
        notifier = new MailNotifier(settings, new Outbox(database.dataSource()), new Preferences(database.dataSource(), Clock.systemUTC()), MailNotifier.mailThread(),
                new SmtpMailer(), clock);
        notifier.start();
        return notifier;
    }

    private int queued() throws Exception {
        return new Outbox(database.dataSource()).size();
    }

    private int attempts() throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(attempts) FROM mailhook_outbox")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void awaitAttempts(int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (attempts() < n) {
            assertTrue(System.nanoTime() < deadline, "expected " + n + " failed attempts, saw " + attempts());
            Thread.sleep(50);
        }
    }

    @Test
    void mailTheServerDidNotTakeIsKeptAndSentOnceWhenItIsBack() throws Exception {
        MailNotifier n = notifier(Clock.systemUTC());
        n.stored(Events.stored("bob@example.edu", "alice@example.edu", "hi", 1, Instant.now()));
        awaitAttempts(2); // refused twice, a second apart: backing off, not spinning
        assertEquals(1, queued());

        startSmtp();
        assertTrue(smtp.waitForIncomingEmail(10_000, 1));
        Thread.sleep(2500); // past another retry period: a second copy would be here
        assertEquals(1, smtp.getReceivedMessages().length);
        assertEquals(0, queued(), "sent mail leaves the outbox");
    }

    @Test
    void mailQueuedBeforeARestartIsSentAfterIt() throws Exception {
        notifier(Clock.systemUTC()).stored(Events.stored("bob@example.edu", "alice@example.edu", "hi", 1, Instant.now()));
        awaitAttempts(1);
        notifier.close();
        notifier = null;
        database.shutdown();
        database = database.reopened();
        assertEquals(1, queued(), "kept on disk");

        startSmtp();
        notifier(Clock.systemUTC());
        assertTrue(smtp.waitForIncomingEmail(10_000, 1));
        Thread.sleep(500);
        assertEquals(1, smtp.getReceivedMessages().length);
        assertEquals("bob@example.edu", smtp.getReceivedMessages()[0].getAllRecipients()[0].toString());
        assertEquals(0, queued());
    }

    @Test
    void mailTooOldIsGivenUp() throws Exception {
        MailNotifier n = notifier(clock);
        n.stored(Events.stored("bob@example.edu", "alice@example.edu", "hi", 1, clock.instant()));
        awaitAttempts(1);
        clock.advance(Duration.ofMinutes(61));
        n.settings(n.settings()); // the next pass, now
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (queued() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, queued(), "given up after retryGiveUpHours");
        startSmtp();
        assertFalse(smtp.waitForIncomingEmail(1500, 1));
    }

    @Test
    void theSchedulePlansRetriesWithGrowingWaits() throws Exception {
        MailNotifier n = notifier(clock);
        n.stored(Events.stored("bob@example.edu", "alice@example.edu", "hi", 1, clock.instant()));
        awaitAttempts(1);
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT next_attempt_at, last_error FROM mailhook_outbox")) {
            assertTrue(rs.next());
            assertEquals(clock.instant().plusSeconds(1).toEpochMilli(), rs.getLong(1), "the first retry after retryInitialSeconds");
            assertTrue(rs.getString(2).contains("Connect"), "why it failed is kept: " + rs.getString(2));
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
