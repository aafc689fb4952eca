package org.parley.control.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.parley.api.session.SessionRegistry;

/** The few lines {@code bin/parley status} prints about a running instance. */
final class ServerStatus {
    private final BundleContext context;

    ServerStatus(BundleContext context) {
        this.context = context;
    }

    String describe() {
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        int active = 0;
        StringBuilder inactive = new StringBuilder();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (b.getState() == Bundle.ACTIVE) {
                active++;
            } else if (!fragment) {
                inactive.append("  not active: ").append(b.getSymbolicName()).append(' ').append(b.getVersion()).append('\n');
            }
        }
        StringBuilder sb = new StringBuilder("running (pid ").append(ProcessHandle.current().pid())
                .append(", up ").append(Duration.ofMillis(uptime).withNanos(0)).append(")\n")
                .append("bundles active: ").append(active).append('\n').append(inactive)
                .append(memory(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage(), residentKiB(Path.of("/proc/self/status"))));
        ServiceReference<SessionRegistry> ref = context.getServiceReference(SessionRegistry.class);
        if (ref != null) {
            SessionRegistry registry = context.getService(ref);
            if (registry != null) {
                try {
                    sb.append("sessions: ").append(registry.count()).append('\n');
                } finally {
                    context.ungetService(ref);
                }
            }
        }
        return sb.toString();
    }

    /**
     * The heap in use, what the JVM has committed for it and its limit (-Xmx, from etc/jvm.options), and
     * what the whole process holds in memory (heap, metaspace, code, threads, buffers), which is
     * what the operating system counts.
     */
    static String memory(MemoryUsage heap, long residentKiB) {
        StringBuilder sb = new StringBuilder("heap: ").append(mib(heap.getUsed())).append(" MiB in use, ")
                .append(mib(heap.getCommitted())).append(" MiB committed, limit ")
                .append(heap.getMax() < 0 ? "none" : mib(heap.getMax()) + " MiB").append('\n');
        if (residentKiB >= 0) {
            sb.append("process memory (RSS): ").append(residentKiB / 1024).append(" MiB\n");
        }
        return sb.toString();
    }

    /** VmRSS from a /proc/PID/status file, in KiB; -1 where there is none (not Linux). */
    static long residentKiB(Path procStatus) {
        try {
            for (String line : Files.readAllLines(procStatus)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a format this does not know: the heap line alone
        }
        return -1;
    }

    private static long mib(long bytes) {
        return Math.round(bytes / (1024.0 * 1024));
    }
}
