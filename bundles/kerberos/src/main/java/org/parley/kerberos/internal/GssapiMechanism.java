package org.parley.kerberos.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslMechanism;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.auth.UserDirectory;
import org.parley.api.auth.UserManager;
import org.parley.api.server.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SASL GSSAPI (RFC 4752) as a mechanism service: offered inside TLS only (every connection here is
 * TLS; GSSAPI's own security layer is not used) and only while the configured keytab holds the
 * service principal's key. Ranked above SCRAM: where an institution runs Kerberos, a ticket is the
 * sign-in it wants; a client without one falls back to the next mechanism on the same stream.
 *
 * <p>A new configuration replaces the old one as a whole, and only when every key is valid;
 * otherwise each problem is logged with its key and the old one keeps running. A keytab that is
 * missing, unreadable or lacks the principal's key is no configuration error (the operator may
 * install it after the configuration): the mechanism is then not offered, the log says why, and the
 * file is looked at again every {@value #RECHECK_MILLIS} ms while connections ask for the mechanisms.
 *
 * <p>Nothing is released on deactivation: while the bundle is replaced the session core keeps
 * offering a mechanism that left until its successor arrives, asking it {@link #isOffered}, and
 * exchanges it started finish with the configuration they started with.
 */
@Component(service = SaslMechanism.class, configurationPid = KerberosConfig.PID,
        enabled = false, // MechanismSwitch enables it unless the configuration says enabled = false
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "service.ranking:Integer=" + GssapiMechanism.RANKING)
@Designate(ocd = KerberosConfig.class)
public final class GssapiMechanism implements SaslMechanism {
    static final int RANKING = 600;
    static final String ETC_PROPERTY = "parley.etc";
    static final long RECHECK_MILLIS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(GssapiMechanism.class);

    private final WorkerPool workers;
    private final Path etc;
    private final LongSupplier millis;
    private final List<UserDirectory> directories = new CopyOnWriteArrayList<>();
    /** Null while GSSAPI is not configured. */
    private volatile Active active;

    /** One applied configuration and whether its keytab is usable now. */
    private final class Active implements GssapiNegotiation.Acceptor {
        final KerberosSettings settings;
        final ServiceKeytab keytab;
        volatile boolean usable;
        volatile long checkedAt;
        volatile Optional<String> lastProblem = Optional.empty();
        final AtomicBoolean checking = new AtomicBoolean();
        boolean checkedOnce;

        Active(KerberosSettings settings) {
            this.settings = settings;
            this.keytab = new ServiceKeytab(settings.keytab(), settings.principal());
        }

        /** Reads the keytab; logs a change of usability. */
        void check() {
            Optional<String> problem = keytab.problem();
            checkedAt = millis.getAsLong();
            boolean was = usable;
            usable = problem.isEmpty();
            if (problem.isPresent() && (was || !checkedOnce || !problem.equals(lastProblem))) {
                LOG.error("Kerberos: GSSAPI is not offered: {} ({} key 'keytab')", problem.get(), KerberosConfig.PID);
            } else if (usable && !was) {
                LOG.info("Kerberos: GSSAPI offered with {}", settings);
            }
            lastProblem = problem;
            checkedOnce = true;
        }

        @Override
        public KerberosSettings settings() {
            return settings;
        }

        @Override
        public ServiceKeytab keytab() {
            return keytab;
        }

        @Override
        public WorkerPool workers() {
            return workers;
        }

        @Override
        public void keytabFailed(String reason) {
            if (usable) {
                usable = false;
                checkedAt = millis.getAsLong();
                lastProblem = Optional.of(reason);
                LOG.error("Kerberos: GSSAPI is not offered any more: {} ({} key 'keytab')", reason, KerberosConfig.PID);
            }
        }
    }

    @Activate
    public GssapiMechanism(@Reference WorkerPool workers, BundleContext context, KerberosConfig config) {
        this(workers, etcDirectory(context), System::currentTimeMillis);
        apply(config, true);
    }

    GssapiMechanism(WorkerPool workers, Path etc, LongSupplier millis) {
        this.workers = workers;
        this.etc = etc;
        this.millis = millis;
    }

    private static Path etcDirectory(BundleContext context) {
        String dir = context.getProperty(ETC_PROPERTY);
        return dir == null ? null : Path.of(dir);
    }

    @Modified
    void modified(KerberosConfig config) {
        apply(config, false);
    }

    /** Applies a configuration; returns whether it was taken. */
    synchronized boolean apply(KerberosConfig config, boolean first) {
        KerberosSettings.Parsed parsed = KerberosSettings.parse(config, etc);
        Active previous = active;
        if (!parsed.valid()) {
            for (KerberosSettings.Problem p : parsed.problems()) {
                LOG.error("{}; {}", p, previous == null ? "GSSAPI is not offered" : "keeping the previous configuration");
            }
            return false;
        }
        KerberosSettings settings = parsed.settings();
        if (!settings.configured()) {
            active = null;
            if (previous != null || first) {
                LOG.info("Kerberos: GSSAPI is not offered (no 'keytab' in {})", KerberosConfig.PID);
            }
            return true;
        }
        if (!settings.principal().startsWith("xmpp/")) {
            LOG.warn("{}: key 'principal': {} is not an xmpp/ service principal; clients ask for tickets for xmpp/<host>",
                    KerberosConfig.PID, settings.principal());
        }
        Active next = new Active(settings);
        next.check();
        active = next;
        return true;
    }

    /** Who is disabled (the auth bundle's store); absent while it is replaced. */
    private volatile UserManager userManager;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetUserManager")
    void setUserManager(UserManager users) {
        userManager = users;
    }

    void unsetUserManager(UserManager users) {
        if (userManager == users) {
            userManager = null;
        }
    }

    @Reference(service = UserDirectory.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeDirectory")
    void addDirectory(UserDirectory directory) {
        directories.add(directory);
    }

    void removeDirectory(UserDirectory directory) {
        directories.remove(directory);
    }

    /** An account exists when any directory says so; one that cannot tell counts as yes (the UserDirectory contract). */
    static CompletionStage<Boolean> exists(List<UserDirectory> list, int i, String localpart) {
        if (i >= list.size()) {
            return CompletableFuture.completedFuture(false);
        }
        CompletionStage<Boolean> answer;
        try {
            answer = list.get(i).exists(localpart);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((yes, error) -> error != null || Boolean.TRUE.equals(yes))
                .thenCompose(yes -> yes ? CompletableFuture.completedFuture(true) : exists(list, i + 1, localpart));
    }

    @Override
    public String name() {
        return "GSSAPI";
    }

    @Override
    public boolean isOffered(SaslContext context) {
        Active a = active;
        if (a == null || !context.isSecure()) {
            return false;
        }
        if (!a.usable) {
            recheckLater(a);
            return false;
        }
        return true;
    }

    /** Looks at an unusable keytab again on the pool, at most every RECHECK_MILLIS: never file I/O on the caller's thread. */
    private void recheckLater(Active a) {
        if (millis.getAsLong() - a.checkedAt < RECHECK_MILLIS || !a.checking.compareAndSet(false, true)) {
            return;
        }
        try {
            workers.submit(() -> {
                try {
                    if (active == a) {
                        a.check();
                    }
                } finally {
                    a.checking.set(false);
                }
                return null;
            });
        } catch (RuntimeException e) {
            a.checking.set(false);
        }
    }

    @Override
    public SaslNegotiation start(SaslContext context) {
        Active a = active;
        if (!context.isSecure()) {
            return refusing(SaslFailure.ENCRYPTION_REQUIRED, "GSSAPI is offered inside TLS only");
        }
        if (a == null || !a.usable) {
            return refusing(SaslFailure.TEMPORARY_AUTH_FAILURE, "GSSAPI is not available now");
        }
        // The directories as they are now: DS empties the list when this component is deactivated
        // (its bundle upgraded), and an exchange under way must still find its user's account.
        List<UserDirectory> now = List.copyOf(directories);
        UserManager users = userManager;
        return new GssapiNegotiation(a, context, localpart -> exists(now, 0, localpart), localpart -> users == null
                ? CompletableFuture.failedFuture(new IllegalStateException("no user manager (the auth bundle) is bound"))
                : workers.submit(() -> users.isDisabled(localpart)));
    }

    private static SaslNegotiation refusing(SaslFailure condition, String text) {
        SaslStep refused = new SaslStep.Failure(condition, text);
        return response -> CompletableFuture.completedFuture(refused);
    }

    /** Whether GSSAPI is configured with a usable keytab (for tests). */
    boolean usable() {
        Active a = active;
        return a != null && a.usable;
    }
}
