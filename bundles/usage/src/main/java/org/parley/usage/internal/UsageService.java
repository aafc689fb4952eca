package org.parley.usage.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.server.StateHandoff;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.usage.TrafficCounters;
import org.parley.api.usage.UsageSample;
import org.parley.api.usage.UsageStatistics;
import org.parley.api.usage.WeeklyUsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage figures: every {@code sampleSeconds} it reads the session core's counters and
 * registry and the JVM's heap into a sample, keeps the last hours of them, and writes the week's
 * new users to storage. Each bound session marks its account active this week (a set lookup on
 * the session thread; the write happens on the worker pool with the next sample).
 *
 * <p>The session core and its counters are dynamic references: they are upgraded live, and the
 * figures go on. The history crosses an upgrade of this bundle through the {@link StateHandoff};
 * the weekly figures are in storage.
 */
@Component(service = {UsageStatistics.class, SessionListener.class}, configurationPid = UsageConfig.PID)
@Designate(ocd = UsageConfig.class)
public final class UsageService implements UsageStatistics, SessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(UsageService.class);
    static final String HANDOFF_KEY = UsageService.class.getName();
    private static final int HANDOFF_FORMAT = 1;

    private final WorkerPool workers;
    private final StateHandoff handoff;
    private final Clock clock;
    private final LongSupplier nanos;
    private final WeeklyUsage weekly;
    private final History history;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean flushing = new AtomicBoolean();
    private volatile UsageSettings settings;
    private volatile ScheduledFuture<?> sampling;
    private volatile SessionRegistry registry;
    private volatile TrafficCounters counters;
    /** The counters at the previous sample, for the rates; touched by the timer thread only. */
    private Reading previous;
    private volatile double[] rates = new double[Stanza.Kind.values().length];

    private record Reading(long nanos, long[] received, TrafficCounters source) {
    }

    @Activate
    public UsageService(@Reference SqlDatabase database, @Reference WorkerPool workers, @Reference StateHandoff handoff,
            UsageConfig config) {
        this(database, workers, handoff, settingsOrDefaults(config), Clock.systemUTC(), System::nanoTime, true);
    }

    /** Tests pass a clock and start the sampling themselves ({@link #sample}). */
    UsageService(SqlDatabase database, WorkerPool workers, StateHandoff handoff, UsageSettings settings, Clock clock,
            LongSupplier nanos, boolean schedule) {
        this.workers = workers;
        this.handoff = handoff;
        this.clock = clock;
        this.nanos = nanos;
        this.settings = settings;
        WeeklyStore store = new WeeklyStore(database);
        store.migrate(); // blocks: fine in activation
        this.weekly = new WeeklyUsage(store, clock, settings.weeksKept());
        try {
            weekly.load();
        } catch (SQLException e) {
            LOG.error("Cannot read this week's users from storage ({}); this week's figure may count some twice", e.getMessage());
        }
        this.history = new History(settings.historySamples());
        restoreHistory();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-usage-sampler");
            t.setDaemon(true);
            return t;
        });
        if (schedule) {
            schedule();
        }
    }

    private static UsageSettings settingsOrDefaults(UsageConfig config) {
        try {
            return UsageSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}; using the defaults until the configuration is corrected", UsageConfig.PID, e.getMessage());
            return UsageSettings.DEFAULTS;
        }
    }

    @Modified
    void modified(UsageConfig config) {
        UsageSettings next;
        try {
            next = UsageSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new usage configuration ({}): {}; the previous settings stay in force", UsageConfig.PID,
                    e.getMessage());
            return;
        }
        UsageSettings before = settings;
        settings = next;
        history.capacity(next.historySamples());
        weekly.weeksKept(next.weeksKept());
        if (before.sampleSeconds() != next.sampleSeconds()) {
            schedule();
        }
    }

    private synchronized void schedule() {
        if (sampling != null) {
            sampling.cancel(false);
        }
        long period = settings.sampleSeconds();
        sampling = timer.scheduleAtFixedRate(this::sampleSafely, period, period, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        try {
            weekly.flush(); // blocking, short: what was seen since the last sample must not be lost
        } catch (SQLException | RuntimeException e) {
            LOG.error("Could not write {} sign-in(s) of this week to storage on stopping: {}", weekly.pending(), e.getMessage());
        }
        depositHistory();
    }

    // ---- references: upgraded live, so dynamic ----

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetRegistry")
    void setRegistry(SessionRegistry r) {
        registry = r;
        // Events are not repeated to a late listener: who is online now is active this week.
        Collection<String> online = onlineUsers(r);
        for (String user : online) {
            weekly.active(user, online);
        }
    }

    void unsetRegistry(SessionRegistry r) {
        if (registry == r) {
            registry = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetCounters")
    void setCounters(TrafficCounters c) {
        counters = c;
    }

    void unsetCounters(TrafficCounters c) {
        if (counters == c) {
            counters = null;
        }
    }

    // ---- SessionListener ----

    @Override
    public void bound(Session session) {
        weekly.active(session.jid().getLocalpart().toString(), List.of());
    }

    @Override
    public void resumed(Session session) {
        bound(session); // a session resumed on a new day of a new week is activity of that week
    }

    // ---- sampling ----

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.error("Sampling the usage figures failed", e);
        }
    }

    /** Takes one sample into the history and sends the week's new users to storage. */
    void sample() {
        SessionRegistry r = registry;
        Collection<String> online = onlineUsers(r);
        weekly.tick(online);
        TrafficCounters c = counters;
        long now = nanos.getAsLong();
        long[] received = received(c);
        Reading last = previous;
        double[] next = new double[received.length];
        if (last != null && now > last.nanos()) {
            double seconds = (now - last.nanos()) / 1e9;
            for (int i = 0; i < received.length; i++) {
                // A core that came back without its predecessor's totals starts from zero: never negative.
                long delta = c == last.source() ? received[i] - last.received()[i] : received[i];
                next[i] = Math.max(0, delta) / seconds;
            }
        }
        previous = new Reading(now, received, c);
        rates = next;
        history.add(snapshot(online.size(), r, c, next));
        flushLater();
    }

    private void flushLater() {
        if (weekly.pending() == 0 || !flushing.compareAndSet(false, true)) {
            return;
        }
        workers.submit(() -> {
            weekly.flush();
            return null;
        }).whenComplete((v, e) -> {
            flushing.set(false);
            if (e != null) {
                LOG.warn("Could not write this week's new users to storage, trying again with the next sample: {}", e.toString());
            }
        });
    }

    private static long[] received(TrafficCounters c) {
        Stanza.Kind[] kinds = Stanza.Kind.values();
        long[] counts = new long[kinds.length];
        if (c != null) {
            for (Stanza.Kind kind : kinds) {
                counts[kind.ordinal()] = c.stanzasReceived(kind);
            }
        }
        return counts;
    }

    private static Collection<String> onlineUsers(SessionRegistry r) {
        if (r == null) {
            return List.of();
        }
        Set<String> users = new HashSet<>();
        for (Session s : r.all()) {
            users.add(s.jid().getLocalpart().toString());
        }
        return users;
    }

    private UsageSample snapshot(int onlineUsers, SessionRegistry r, TrafficCounters c, double[] perSecond) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new UsageSample(Instant.now(clock), onlineUsers, r == null ? 0 : r.count(),
                perSecond[Stanza.Kind.MESSAGE.ordinal()], perSecond[Stanza.Kind.PRESENCE.ordinal()],
                perSecond[Stanza.Kind.IQ.ordinal()], c == null ? 0 : c.logins(), c == null ? 0 : c.failedLogins(),
                Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()), heap.getUsed(), heap.getMax());
    }

    // ---- UsageStatistics ----

    @Override
    public UsageSample now() {
        SessionRegistry r = registry;
        return snapshot(onlineUsers(r).size(), r, counters, rates);
    }

    @Override
    public List<UsageSample> history() {
        return history.list();
    }

    @Override
    public CompletionStage<List<WeeklyUsers>> weeklyUsers(int weeks) {
        if (weeks < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("weeks must be at least 1, not " + weeks));
        }
        return workers.submit(() -> weekly.weeks(Math.min(weeks, settings.weeksKept())));
    }

    WeeklyUsage weekly() {
        return weekly;
    }

    // ---- across an upgrade of this bundle ----

    private void depositHistory() {
        List<Object> samples = new ArrayList<>();
        for (UsageSample s : history.list()) {
            Map<String, Object> m = new HashMap<>();
            m.put("at", s.at().toEpochMilli());
            m.put("onlineUsers", s.onlineUsers());
            m.put("sessions", s.sessions());
            m.put("messages", s.messagesPerSecond());
            m.put("presences", s.presencesPerSecond());
            m.put("iqs", s.iqsPerSecond());
            m.put("logins", s.logins());
            m.put("failedLogins", s.failedLogins());
            m.put("uptimeMillis", s.uptime().toMillis());
            m.put("heapUsed", s.heapUsedBytes());
            m.put("heapMax", s.heapMaxBytes());
            samples.add(m);
        }
        try {
            handoff.deposit(HANDOFF_KEY, Map.of("format", HANDOFF_FORMAT, "samples", samples));
        } catch (RuntimeException e) {
            LOG.warn("Could not hand the usage history to the next version: {}", e.toString());
        }
    }

    private void restoreHistory() {
        Map<String, Object> state = handoff.take(HANDOFF_KEY).orElse(null);
        if (state == null || !(state.get("format") instanceof Integer f) || f != HANDOFF_FORMAT
                || !(state.get("samples") instanceof List<?> samples)) {
            return;
        }
        for (Object o : samples) {
            if (o instanceof Map<?, ?> m) {
                try {
                    history.add(new UsageSample(Instant.ofEpochMilli(num(m, "at").longValue()), num(m, "onlineUsers").intValue(),
                            num(m, "sessions").intValue(), num(m, "messages").doubleValue(), num(m, "presences").doubleValue(),
                            num(m, "iqs").doubleValue(), num(m, "logins").longValue(), num(m, "failedLogins").longValue(),
                            Duration.ofMillis(num(m, "uptimeMillis").longValue()), num(m, "heapUsed").longValue(),
                            num(m, "heapMax").longValue()));
                } catch (RuntimeException e) {
                    LOG.debug("A handed-over usage sample could not be read and is skipped: {}", e.toString());
                }
            }
        }
    }

    private static Number num(Map<?, ?> m, String key) {
        if (m.get(key) instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("no number for " + key);
    }
}
