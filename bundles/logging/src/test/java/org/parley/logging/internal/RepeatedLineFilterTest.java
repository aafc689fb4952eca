package org.parley.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.ClosedWatchServiceException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepeatedLineFilterTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private LoggerContext context;
    private ListAppender<ILoggingEvent> appender;
    private RepeatedLineFilter filter;

    @BeforeEach
    void setUp() {
        context = new LoggerContext();
        appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        filter = new RepeatedLineFilter();
        filter.setContext(context);
        filter.setClock(now::get);
        filter.start();
        context.addTurboFilter(filter);
    }

    @AfterEach
    void tearDown() {
        context.stop();
    }

    private List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** FileInstall's spin: one ERROR line with the same exception, thousands of times a second. */
    @Test
    void aLineRepeatedInALoopPassesFiveTimesAndTheRestAreCountedInOneLine() {
        Logger log = context.getLogger("osgi.org.apache.felix.fileinstall");
        for (int i = 0; i < 2500; i++) {
            log.error("In main loop, we have serious trouble", new ClosedWatchServiceException());
        }
        assertEquals(5, appender.list.size());

        now.addAndGet(10_000);
        filter.flush(now.get());

        assertEquals(6, appender.list.size());
        ILoggingEvent summary = appender.list.get(5);
        assertEquals(Level.ERROR, summary.getLevel(), "summarized at the level of the line");
        assertEquals("osgi.org.apache.felix.fileinstall", summary.getLoggerName());
        assertTrue(summary.getFormattedMessage().startsWith("Dropped 2495 more copies of this line in 10 s: In main loop, we have serious trouble"),
                summary.getFormattedMessage());
        assertTrue(summary.getFormattedMessage().contains("ClosedWatchServiceException"), summary.getFormattedMessage());
    }

    @Test
    void theNextWindowLetsTheLineThroughAgainAfterTheCount() {
        Logger log = context.getLogger("x");
        for (int i = 0; i < 20; i++) {
            log.warn("again");
        }
        now.addAndGet(10_000);
        log.warn("again");
        assertEquals(List.of("again", "again", "again", "again", "again", "Dropped 15 more copies of this line in 10 s: again", "again"), lines());
    }

    @Test
    void linesThatDifferInArgumentsLoggerOrLevelAreNotRepetitions() {
        Logger a = context.getLogger("a");
        Logger b = context.getLogger("b");
        for (int i = 0; i < 10; i++) {
            a.info("connection {} refused", i);
        }
        for (int i = 0; i < 10; i++) {
            a.info("same");
            b.info("same");
            a.warn("same");
        }
        assertEquals(10 + 3 * 5, appender.list.size());
    }

    @Test
    void disabledLevelsAreNotCountedAndAWindowWithoutDropsEndsSilently() {
        Logger log = context.getLogger("quiet");
        for (int i = 0; i < 100; i++) {
            log.debug("not printed anyway");
        }
        log.info("once");
        now.addAndGet(60_000);
        filter.flush(now.get());
        assertEquals(List.of("once"), lines());
    }

    @Test
    void distinctLinesBeyondTheMemoryBoundAllPass() {
        Logger log = context.getLogger("many");
        int count = RepeatedLineFilter.MAX_LINES + 500;
        for (int i = 0; i < count; i++) {
            log.info("line {}", i);
        }
        assertEquals(count, appender.list.size());
    }

    /** Its one thread (logback's shared scheduler would keep four) ends when logback resets. */
    @Test
    void itsFlushThreadIsOneAndEndsWhenLogbackResets() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        LoggerContext another = new LoggerContext();
        RepeatedLineFilter started = new RepeatedLineFilter();
        started.setContext(another);
        started.start();
        another.addTurboFilter(started);
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().equals("parley-log-repeats")).toList();
        assertEquals(1, threads.size(), threads.toString());
        assertTrue(threads.get(0).isDaemon());

        another.reset();

        threads.get(0).join(5_000);
        assertTrue(!threads.get(0).isAlive(), "the flush thread ended with the reset");
        assertTrue(!started.isStarted());
    }
}
