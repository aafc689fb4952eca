package org.parley.metrics.internal;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.parley.api.auth.SaslFailure;
import org.parley.api.offline.OfflineStatistics;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;
import org.parley.api.usage.TrafficCounters;
import org.parley.api.usage.UsageStatistics;
import org.parley.api.usage.WeeklyUsers;

/**
 * Reads the figures from whatever services are there right now and writes them as one
 * exposition. A service that is absent (a feature not installed, a bundle being upgraded) leaves
 * its families out rather than report zeros that would look like real values. The two figures read
 * from the database (offline store size, distinct users this week) are waited for at most
 * {@link #STORAGE_WAIT_MILLIS}; past that they are left out of this scrape.
 */
final class MetricsCollector {
    static final long STORAGE_WAIT_MILLIS = 2000;

    /** The services, each possibly null. */
    record Sources(TrafficCounters traffic, SessionRegistry sessions, WorkerPool workers, OfflineStatistics offline,
            UsageStatistics usage) {
    }

    String collect(Sources s) {
        Exposition e = new Exposition();
        if (s.sessions() != null) {
            sessions(e, s.sessions());
        }
        if (s.traffic() != null) {
            traffic(e, s.traffic());
        }
        if (s.workers() != null && s.workers().queuedTasks() >= 0) {
            e.family("parley_worker_pool_queued_tasks", "gauge", "Blocking tasks (JDBC, LDAP, SMTP) waiting for a thread of the shared worker pool")
                    .sample("parley_worker_pool_queued_tasks", s.workers().queuedTasks());
            e.family("parley_worker_pool_busy_threads", "gauge", "Threads of the shared worker pool running a task")
                    .sample("parley_worker_pool_busy_threads", s.workers().busyThreads());
        }
        if (s.offline() != null) {
            OfflineStatistics.Size size = await(s.offline().size());
            if (size != null) {
                e.family("parley_offline_messages", "gauge", "Messages stored for users who are offline")
                        .sample("parley_offline_messages", size.messages());
                e.family("parley_offline_bytes", "gauge", "Bytes of stored XML of the offline messages")
                        .sample("parley_offline_bytes", size.bytes());
            }
        }
        if (s.usage() != null) {
            List<WeeklyUsers> week = await(s.usage().weeklyUsers(1));
            if (week != null && !week.isEmpty()) {
                e.family("parley_distinct_users_this_week", "gauge",
                        "Distinct accounts that signed in during this ISO week (UTC), kept across restarts")
                        .sample("parley_distinct_users_this_week", week.get(0).distinctUsers(), "week", week.get(0).isoWeek());
            }
        }
        jvm(e);
        return e.toString();
    }

    private static void sessions(Exposition e, SessionRegistry registry) {
        int detached = 0;
        Set<String> users = new HashSet<>();
        int all = 0;
        long unacked = 0;
        int deepest = 0;
        boolean told = false;
        for (Session session : registry.all()) {
            all++;
            if (session.isDetached()) {
                detached++;
            }
            users.add(session.jid().getLocalpart().toString());
            int queued = session.unacknowledged();
            if (queued >= 0) {
                told = true;
                unacked += queued;
                deepest = Math.max(deepest, queued);
            }
        }
        e.family("parley_sessions", "gauge", "Bound sessions, by whether their connection is up or lost and waiting to be resumed (XEP-0198)")
                .sample("parley_sessions", all - detached, "state", "connected")
                .sample("parley_sessions", detached, "state", "detached");
        e.family("parley_online_users", "gauge", "Distinct accounts with at least one bound session")
                .sample("parley_online_users", users.size());
        if (told || all == 0) {
            e.family("parley_unacknowledged_stanzas", "gauge",
                    "Stanzas sent to clients under stream management (XEP-0198) and not yet acknowledged, over all sessions")
                    .sample("parley_unacknowledged_stanzas", unacked);
            e.family("parley_unacknowledged_stanzas_max", "gauge", "The deepest such queue of one session")
                    .sample("parley_unacknowledged_stanzas_max", deepest);
        }
    }

    private static void traffic(Exposition e, TrafficCounters t) {
        e.family("parley_stanzas_received_total", "counter", "Stanzas clients sent to the server, by kind");
        for (Stanza.Kind kind : Stanza.Kind.values()) {
            e.sample("parley_stanzas_received_total", t.stanzasReceived(kind), "kind", kind.xmlName());
        }
        e.family("parley_logins_total", "counter", "Successful SASL authentications").sample("parley_logins_total", t.logins());
        e.family("parley_stanzas_held_total", "counter", "Times a stanza waited for a service being replaced live (an upgrade) instead of being refused")
                .sample("parley_stanzas_held_total", t.stanzasHeld());
        e.family("parley_auth_failures_total", "counter", "Failed SASL authentications, by RFC 6120 failure condition");
        for (SaslFailure condition : SaslFailure.values()) {
            if (condition != SaslFailure.ABORTED) {
                e.sample("parley_auth_failures_total", t.failedLogins(condition), "condition", condition.xmlName());
            }
        }
    }

    private static void jvm(Exposition e) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        e.family("jvm_memory_used_bytes", "gauge", "Memory in use by area")
                .sample("jvm_memory_used_bytes", heap.getUsed(), "area", "heap")
                .sample("jvm_memory_used_bytes", nonHeap.getUsed(), "area", "nonheap");
        e.family("jvm_memory_committed_bytes", "gauge", "Memory the JVM has committed by area")
                .sample("jvm_memory_committed_bytes", heap.getCommitted(), "area", "heap")
                .sample("jvm_memory_committed_bytes", nonHeap.getCommitted(), "area", "nonheap");
        e.family("jvm_memory_max_bytes", "gauge", "The limit of each area, -1 where there is none")
                .sample("jvm_memory_max_bytes", heap.getMax(), "area", "heap")
                .sample("jvm_memory_max_bytes", nonHeap.getMax(), "area", "nonheap");
        e.family("jvm_gc_collection_seconds", "summary", "Time spent in each garbage collector and its collections");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            e.sample("jvm_gc_collection_seconds_count", Math.max(0, gc.getCollectionCount()), "gc", gc.getName());
            e.sample("jvm_gc_collection_seconds_sum", Math.max(0, gc.getCollectionTime()) / 1000.0, "gc", gc.getName());
        }
        e.family("jvm_threads_current", "gauge", "Live threads of the JVM")
                .sample("jvm_threads_current", ManagementFactory.getThreadMXBean().getThreadCount());
        e.family("process_start_time_seconds", "gauge", "When the server process started, in seconds since the Unix epoch")
                .sample("process_start_time_seconds", ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
        e.family("parley_uptime_seconds", "gauge", "Seconds since the server process started")
                .sample("parley_uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(STORAGE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception ex) {
            return null;
        }
    }
}
