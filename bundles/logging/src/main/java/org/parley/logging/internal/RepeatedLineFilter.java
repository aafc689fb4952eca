package org.parley.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.helpers.MessageFormatter;

/**
 * Rate-limits identical log lines, whoever logs them: a line (same logger, level, text and
 * exception) passes {@code allowedRepetitions} times in {@code windowSeconds}; further copies
 * are dropped and counted, and when the window ends one line says how many were dropped. A
 * component stuck in a loop (FileInstall's watcher once logged 2,500 identical ERROR lines a
 * second) then costs a few lines a minute instead of a full disk.
 *
 * <p>Configured in etc/logback.xml as a {@code turboFilter}; installed as a fragment of
 * logback-classic, since logback loads the classes its configuration names itself. Only lines
 * the logger would print are looked at (the text is formatted for them only), and it remembers
 * at most {@link #MAX_LINES} distinct lines per window, so it costs nothing for disabled levels
 * and a bounded amount of memory under a flood of distinct lines (which are not held back).
 */
public final class RepeatedLineFilter extends TurboFilter {
    static final int MAX_LINES = 1000;
    /** Marks this filter's own summaries, which it lets through. */
    static final Marker SUMMARY = MarkerFactory.getDetachedMarker("parley-repeated-lines");
    private static final int SHOWN_CHARS = 300;

    private final Map<String, Window> lines = new HashMap<>();
    private int allowedRepetitions = 5;
    private long windowMillis = 10_000;
    private LongSupplier clock = System::currentTimeMillis;
    private ScheduledExecutorService flusher;

    /** One line's window: when it opened, how many copies passed and how many were dropped. */
    private static final class Window {
        final long start;
        final String loggerName;
        final Level level;
        final String text;
        int passed = 1;
        long dropped;

        Window(long start, String loggerName, Level level, String text) {
            this.start = start;
            this.loggerName = loggerName;
            this.level = level;
            this.text = text;
        }
    }

    /** How many copies of one line pass in a window (default 5). */
    public void setAllowedRepetitions(int allowedRepetitions) {
        this.allowedRepetitions = Math.max(1, allowedRepetitions);
    }

    /** The window in seconds (default 10). */
    public void setWindowSeconds(int windowSeconds) {
        this.windowMillis = Math.max(1, windowSeconds) * 1000L;
    }

    int allowedRepetitions() {
        return allowedRepetitions;
    }

    long windowMillis() {
        return windowMillis;
    }

    void setClock(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public void start() {
        if (getContext() != null) {
            // A thread of its own: a periodic task on logback's shared scheduler grows that pool to
            // its 4 core threads (each run re-queues the task), which an idle server then keeps.
            flusher = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "parley-log-repeats");
                thread.setDaemon(true);
                return thread;
            });
            flusher.scheduleAtFixedRate(() -> flush(clock.getAsLong()), 1, 1, TimeUnit.SECONDS);
        }
        super.start();
    }

    /** logback stops its turbo filters when it is reset or reconfigured, so no thread is left behind. */
    @Override
    public void stop() {
        if (flusher != null) {
            flusher.shutdownNow();
            flusher = null;
        }
        super.stop();
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (!isStarted() || format == null || marker == SUMMARY || level.levelInt < logger.getEffectiveLevel().levelInt) {
            return FilterReply.NEUTRAL;
        }
        String text = text(format, params, t);
        String key = logger.getName() + '\n' + level.levelInt + '\n' + text;
        long now = clock.getAsLong();
        Window ended = null;
        FilterReply reply;
        synchronized (lines) {
            Window w = lines.get(key);
            if (w != null && now - w.start >= windowMillis) {
                lines.remove(key);
                ended = w.dropped > 0 ? w : null;
                w = null;
            }
            if (w == null) {
                if (lines.size() < MAX_LINES) {
                    lines.put(key, new Window(now, logger.getName(), level, text));
                }
                reply = FilterReply.NEUTRAL;
            } else if (w.passed < allowedRepetitions) {
                w.passed++;
                reply = FilterReply.NEUTRAL;
            } else {
                w.dropped++;
                reply = FilterReply.DENY;
            }
        }
        if (ended != null) {
            summarize(ended);
        }
        return reply;
    }

    /** Ends the windows that are over, summarizing those that dropped copies. */
    void flush(long now) {
        List<Window> ended = new ArrayList<>();
        synchronized (lines) {
            for (Iterator<Window> it = lines.values().iterator(); it.hasNext();) {
                Window w = it.next();
                if (now - w.start >= windowMillis) {
                    it.remove();
                    if (w.dropped > 0) {
                        ended.add(w);
                    }
                }
            }
        }
        ended.forEach(this::summarize);
    }

    private void summarize(Window w) {
        if (!(getContext() instanceof LoggerContext loggers)) {
            return;
        }
        String shown = w.text.length() <= SHOWN_CHARS ? w.text : w.text.substring(0, SHOWN_CHARS) + "...";
        loggers.getLogger(w.loggerName).log(SUMMARY, RepeatedLineFilter.class.getName(), Level.toLocationAwareLoggerInteger(w.level),
                "Dropped {} more copies of this line in {} s: {}", new Object[] {w.dropped, windowMillis / 1000, shown}, null);
    }

    /** The line as printed, with its exception's class and message (the stack trace is left out of the comparison). */
    private static String text(String format, Object[] params, Throwable t) {
        var formatted = params == null || params.length == 0 ? null : MessageFormatter.arrayFormat(format, params);
        String text = formatted == null ? format : formatted.getMessage();
        Throwable error = t != null ? t : formatted == null ? null : formatted.getThrowable();
        return error == null ? text : text + " | " + error;
    }
}
