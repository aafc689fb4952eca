package org.parley.control.internal;

import java.lang.management.ManagementFactory;
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
                .append("bundles active: ").append(active).append('\n').append(inactive);
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
}
