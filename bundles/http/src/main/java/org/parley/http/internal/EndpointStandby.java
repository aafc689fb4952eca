package org.parley.http.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DESIGN rule 4 for HTTPS endpoints: while the bundle that serves a path is being replaced, the
 * path answers {@code 503} with {@code Retry-After} (a call a client retries, {@code curl --retry}
 * among them) instead of Jetty's {@code 404} (which a caller must take as final).
 *
 * <p>For every whiteboard servlet this registers a stand-in at the same patterns in the same
 * context, ranked lowest, so the whiteboard keeps it shadowed while the servlet is there and puts
 * it in its place, in the same step, when the servlet leaves: there is no instant in which the
 * path is unknown. A servlet that comes back at those patterns outranks it again; one that does not
 * within {@link #GRACE} was removed, not upgraded, and the stand-in goes too (the path is then 404).
 * A request matched to the servlet an instant before it left is answered the same way by
 * {@link ServletLeftAnswer}.
 */
@Component(immediate = true, service = {})
public final class EndpointStandby {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointStandby.class);
    /** Marks the stand-ins, so they are not watched themselves. */
    static final String STANDBY = "parley.http.standby";
    /** How long a path that lost its servlet answers 503, as routing holds stanzas for a handler being replaced. */
    static final Duration GRACE = Duration.ofSeconds(30);
    static final String PATTERN = "osgi.http.whiteboard.servlet.pattern";
    static final String CONTEXT = "osgi.http.whiteboard.context.select";

    /** A stand-in: its registration (null until made), how many live servlets it stands behind, its planned removal. */
    private static final class Standby {
        ServiceRegistration<Servlet> registration;
        int live;
        ScheduledFuture<?> removal;
    }

    private final BundleContext context;
    private final ScheduledExecutorService thread;
    private final Map<String, Standby> standbys = new HashMap<>(); // guarded by itself; key: context + patterns
    private volatile boolean active = true;

    @Activate
    public EndpointStandby(BundleContext context) {
        this.context = context;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "parley-http-standby");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = t;
    }

    // Registrations happen on our own thread, never inside the service event that called us.
    @Reference(service = Servlet.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(&(" + PATTERN + "=*)(!(" + STANDBY + "=*)))", unbind = "servletGone")
    void servletHere(ServiceReference<Servlet> servlet) {
        String key = key(servlet);
        Dictionary<String, Object> properties = standInProperties(servlet);
        synchronized (standbys) {
            Standby s = standbys.computeIfAbsent(key, k -> new Standby());
            s.live++;
            if (s.removal != null) {
                s.removal.cancel(false);
                s.removal = null;
            }
            if (s.registration == null && s.live == 1) {
                run(() -> register(key, properties));
            }
        }
    }

    void servletGone(ServiceReference<Servlet> servlet) {
        String key = key(servlet);
        synchronized (standbys) {
            Standby s = standbys.get(key);
            if (s == null || --s.live > 0) {
                return;
            }
            if (active) {
                LOG.info("HTTPS {} answers 503 (Retry-After) for up to {} s while its servlet is away", key, GRACE.toSeconds());
            }
            try {
                s.removal = thread.schedule(() -> expire(key), GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping: deactivate removes every stand-in
            }
        }
    }

    private void register(String key, Dictionary<String, Object> properties) {
        synchronized (standbys) {
            Standby s = standbys.get(key);
            if (!active || s == null || s.registration != null) {
                return;
            }
            s.registration = context.registerService(Servlet.class, new StandInServlet(), properties);
        }
    }

    private void expire(String key) {
        synchronized (standbys) {
            Standby s = standbys.get(key);
            if (s == null || s.live > 0) {
                return;
            }
            standbys.remove(key);
            unregister(s);
            LOG.info("HTTPS {}: no servlet came back within {} s; the path is gone", key, GRACE.toSeconds());
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        thread.shutdown();
        synchronized (standbys) {
            standbys.values().forEach(EndpointStandby::unregister);
            standbys.clear();
        }
    }

    private void run(Runnable work) {
        try {
            thread.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private static void unregister(Standby s) {
        if (s.removal != null) {
            s.removal.cancel(false);
        }
        if (s.registration != null) {
            try {
                s.registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }

    static String key(ServiceReference<?> servlet) {
        Object context = servlet.getProperty(CONTEXT);
        return (context == null ? "" : Objects.toString(context) + " ") + Arrays.toString(patterns(servlet.getProperty(PATTERN)));
    }

    static String[] patterns(Object value) {
        String[] patterns = value instanceof String[] a ? a.clone() : value instanceof java.util.Collection<?> c
                ? c.stream().map(String::valueOf).toArray(String[]::new) : new String[] {String.valueOf(value)};
        Arrays.sort(patterns);
        return patterns;
    }

    static Dictionary<String, Object> standInProperties(ServiceReference<?> servlet) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(PATTERN, patterns(servlet.getProperty(PATTERN)));
        Object context = servlet.getProperty(CONTEXT);
        if (context != null) {
            p.put(CONTEXT, context);
        }
        p.put("osgi.http.whiteboard.servlet.name", "parley-standby " + Arrays.toString(patterns(servlet.getProperty(PATTERN))));
        p.put(Constants.SERVICE_RANKING, Integer.MIN_VALUE);
        p.put(STANDBY, Boolean.TRUE);
        return p;
    }

    /** What a caller gets while the path's servlet is away. */
    static final class StandInServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            answerUnavailable(response);
        }

        static void answerUnavailable(HttpServletResponse response) throws IOException {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", "5");
            response.setHeader("Cache-Control", "no-store");
            response.setContentType("application/json");
            response.getWriter().write("{\"error\":\"this service is being upgraded; try again in a few seconds\"}");
        }
    }
}
