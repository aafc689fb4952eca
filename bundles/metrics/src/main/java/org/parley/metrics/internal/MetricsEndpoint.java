package org.parley.metrics.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.offline.OfflineStatistics;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.SessionRegistry;
import org.parley.api.usage.TrafficCounters;
import org.parley.api.usage.UsageStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the metrics on a listener of its own, the JDK's {@code com.sun.net.httpserver}: monitoring
 * must work on a server that runs no web console (the console's Felix HTTP is a feature of its
 * own), it needs no TLS or sign-in on loopback, and one path answering GET is a small surface. A
 * scrape is served on one thread: Prometheus scrapes one at a time, and a second waits rather than
 * doubling the work.
 *
 * <p>Every source is a dynamic, optional reference: the session core, the usage bundle and offline
 * storage are upgraded live, and a scrape during their upgrade only lacks their families. A changed
 * address, port or path opens the new listener before it closes the old one; a new value that
 * cannot be used (a port in use, an address not of this machine) is refused and the old listener
 * keeps serving.
 */
@Component(immediate = true, configurationPid = MetricsConfig.PID)
@Designate(ocd = MetricsConfig.class)
public final class MetricsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final MetricsCollector collector = new MetricsCollector();
    private volatile TrafficCounters traffic;
    private volatile SessionRegistry sessions;
    private volatile WorkerPool workers;
    private volatile OfflineStatistics offline;
    private volatile UsageStatistics usage;
    private Listener listener;

    /** One open listener and the settings it was opened with. */
    private record Listener(MetricsSettings settings, HttpServer server, ExecutorService thread) {
        void close() {
            server.stop(0);
            thread.shutdownNow();
        }
    }

    @Activate
    public MetricsEndpoint(MetricsConfig config) {
        MetricsSettings settings;
        try {
            settings = MetricsSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}; no metrics listener until the configuration is corrected", MetricsConfig.PID, e.getMessage());
            return;
        }
        try {
            listener = open(settings);
        } catch (IOException e) {
            LOG.error("{}: cannot listen on {} ({}); no metrics listener until the configuration is corrected",
                    MetricsConfig.PID, settings.address(), e.getMessage());
        }
    }

    @Modified
    synchronized void modified(MetricsConfig config) {
        MetricsSettings next;
        try {
            next = MetricsSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new metrics configuration ({}): {}; {}", MetricsConfig.PID, e.getMessage(), keeping());
            return;
        }
        if (listener != null && listener.settings().equals(next)) {
            return;
        }
        boolean sameSocket = listener != null && listener.settings().address().equals(next.address());
        if (sameSocket) {
            listener.close(); // the port must be free for the new listener; only the path changed
            listener = null;
        }
        try {
            Listener opened = open(next);
            if (listener != null) {
                listener.close();
            }
            listener = opened;
        } catch (IOException e) {
            LOG.error("Refused the new metrics configuration ({}): cannot listen on {} ({}); {}", MetricsConfig.PID,
                    next.address(), e.getMessage(), keeping());
        }
    }

    private String keeping() {
        return listener == null ? "there is no metrics listener"
                : "the metrics stay on http://" + listener.settings().address().getHostString() + ":"
                        + listener.settings().address().getPort() + listener.settings().path();
    }

    private Listener open(MetricsSettings settings) throws IOException {
        HttpServer server = HttpServer.create(settings.address(), 16);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "parley-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.createContext("/", exchange -> serve(exchange, settings.path()));
        server.start();
        LOG.info("Metrics for Prometheus on http://{}:{}{}", settings.address().getHostString(),
                server.getAddress().getPort(), settings.path());
        return new Listener(settings, server, thread);
    }

    @Deactivate
    synchronized void deactivate() {
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    private void serve(HttpExchange exchange, String path) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found: the metrics are at " + path + "\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
                return;
            }
            String body;
            try {
                body = collector.collect(new MetricsCollector.Sources(traffic, sessions, workers, offline, usage));
            } catch (RuntimeException e) {
                LOG.error("Collecting the metrics failed", e);
                reply(exchange, 500, "text/plain; charset=utf-8", "collecting the metrics failed: " + e + "\n");
                return;
            }
            reply(exchange, 200, Exposition.CONTENT_TYPE, method.equals("HEAD") ? null : body);
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---- sources: each may come and go (upgrades, features not installed) ----

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetTraffic")
    void setTraffic(TrafficCounters t) {
        traffic = t;
    }

    void unsetTraffic(TrafficCounters t) {
        if (traffic == t) {
            traffic = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetSessions")
    void setSessions(SessionRegistry r) {
        sessions = r;
    }

    void unsetSessions(SessionRegistry r) {
        if (sessions == r) {
            sessions = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetWorkers")
    void setWorkers(WorkerPool w) {
        workers = w;
    }

    void unsetWorkers(WorkerPool w) {
        if (workers == w) {
            workers = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetOffline")
    void setOffline(OfflineStatistics o) {
        offline = o;
    }

    void unsetOffline(OfflineStatistics o) {
        if (offline == o) {
            offline = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetUsage")
    void setUsage(UsageStatistics u) {
        usage = u;
    }

    void unsetUsage(UsageStatistics u) {
        if (usage == u) {
            usage = null;
        }
    }
}
