package org.parley.control.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.auth.SaslMechanism;
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
        signIn(sb);
        return sb.toString();
    }

    /**
     * The sign-in providers in the order the server uses them: SASL mechanisms in offer order
     * (each is offered only where it applies: PLAIN inside TLS, EXTERNAL with a trusted client
     * certificate, GSSAPI with a usable keytab) and the password providers PLAIN asks, in turn.
     * Read from the service registry (the same ranking order the session core and auth use).
     */
    private void signIn(StringBuilder sb) {
        List<String> mechanisms = new ArrayList<>();
        for (ServiceReference<SaslMechanism> ref : sorted(SaslMechanism.class)) {
            SaslMechanism m = context.getService(ref);
            if (m != null) {
                try {
                    mechanisms.add(m.name() + " (" + ref.getBundle().getSymbolicName() + ")");
                } finally {
                    context.ungetService(ref);
                }
            }
        }
        sb.append("sign-in mechanisms, in offer order: ").append(mechanisms.isEmpty() ? "none" : String.join(", ", mechanisms))
                .append('\n');
        List<String> providers = new ArrayList<>();
        List<ServiceReference<PasswordAuthenticator>> chain = sorted(PasswordAuthenticator.class);
        chain.sort(Comparator.comparingInt((ServiceReference<PasswordAuthenticator> ref) -> ranking(ref)).reversed()
                .thenComparingLong(ref -> ref.getProperty(Constants.SERVICE_ID) instanceof Long id ? id : Long.MAX_VALUE));
        for (ServiceReference<PasswordAuthenticator> ref : chain) {
            Object name = ref.getProperty("component.name");
            providers.add((name == null ? ref.getBundle().getSymbolicName() : name.toString().replaceFirst(".*\\.", ""))
                    + " (" + ref.getBundle().getSymbolicName() + ")");
        }
        sb.append("password providers, asked in order: ").append(providers.isEmpty() ? "none" : String.join(", ", providers))
                .append('\n');
    }

    /**
     * A password provider's ranking as auth's PLAIN chain reads it: a ranking set in an etc/ file
     * arrives as text, which the framework's own order would count as 0.
     */
    private static int ranking(ServiceReference<?> ref) {
        Object value = ref.getProperty(Constants.SERVICE_RANKING);
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof String text) {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** Highest service ranking first, then the oldest service: the framework's own order, reversed. */
    private <S> List<ServiceReference<S>> sorted(Class<S> type) {
        List<ServiceReference<S>> refs;
        try {
            refs = new ArrayList<>(context.getServiceReferences(type, null));
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
        refs.sort(Comparator.reverseOrder());
        return refs;
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
