package org.parley.ldap.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.directory.api.ldap.codec.api.LdapApiService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.auth.UserDirectory;
import org.parley.api.server.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory as a password source and as a list of accounts. Unconfigured (no {@code urls}) it
 * answers "not mine" to everything, so the bundle can be installed before it is configured.
 *
 * <p>Its ranking is below the internal store's ({@code -1000}): a local account (the first admin)
 * signs in even while the directory is down, and a directory user whose name is also a local
 * account signs in with the local password. A directory user costs the internal store one dummy
 * PBKDF2 before the directory is asked.
 *
 * <p>A new configuration replaces the directory as a whole, and only when it is valid and, if a
 * directory was already in use, at least one of its servers can be reached with it (a typo in a URL
 * or the bind password keeps the working directory); otherwise every problem is logged with its key
 * and the previous configuration stays.
 */
@Component(service = {PasswordAuthenticator.class, UserDirectory.class, LdapProvider.class}, configurationPid = LdapConfig.PID,
        enabled = false, // DirectorySwitch enables it unless the configuration says enabled = false
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "service.ranking:Integer=" + LdapProvider.RANKING)
@Designate(ocd = LdapConfig.class)
public final class LdapProvider implements PasswordAuthenticator, UserDirectory {
    static final int RANKING = -2000;
    static final String ETC_PROPERTY = "parley.etc";

    private static final Logger LOG = LoggerFactory.getLogger(LdapProvider.class);

    private final WorkerPool workers;
    private final LdapApiService codec;
    private final Path etc;
    private final Ticker ticker;
    /** Enables the vCard handler while it has something to answer; null in unit tests. */
    private final ComponentContext component;
    /** Null while no directory is configured. */
    private volatile UserLookup directory;

    @Activate
    public LdapProvider(@Reference WorkerPool workers, @Reference LdapApiService codec, ComponentContext component,
            LdapConfig config) {
        this(workers, codec, etcDirectory(component.getBundleContext()), Ticker.systemTicker(), component);
        apply(config, true);
    }

    LdapProvider(WorkerPool workers, LdapApiService codec, Path etc, Ticker ticker, ComponentContext component) {
        this.component = component;
        this.workers = workers;
        this.codec = codec;
        this.etc = etc;
        this.ticker = ticker;
    }

    private static Path etcDirectory(BundleContext context) {
        String dir = context.getProperty(ETC_PROPERTY);
        return dir == null ? null : Path.of(dir);
    }

    @Modified
    void modified(LdapConfig config) {
        apply(config, false);
    }

    /** Applies a configuration; returns whether it was taken. */
    synchronized boolean apply(LdapConfig config, boolean first) {
        LdapSettings.Parsed parsed = LdapSettings.parse(config, etc);
        UserLookup previous = directory;
        if (!parsed.valid()) {
            for (LdapSettings.Problem p : parsed.problems()) {
                LOG.error("{}; {}", p, previous == null ? "the directory is not used" : "keeping the previous configuration");
            }
            return false;
        }
        LdapSettings settings = parsed.settings();
        if (!settings.configured()) {
            directory = null;
            vcards(false);
            if (previous != null) {
                previous.client().close();
                LOG.info("LDAP directory switched off (no 'urls' in {})", LdapConfig.PID);
            } else if (first) {
                LOG.info("LDAP directory not configured ('urls' in {} is empty)", LdapConfig.PID);
            }
            return true;
        }
        DirectoryClient client = new DirectoryClient(settings, codec);
        if (previous != null) {
            // Replacing a working directory: only with one that works at all.
            List<String> unreachable = client.unreachable();
            if (unreachable.size() == settings.servers().size()) {
                client.close();
                LOG.error("{}: key 'urls': no server of the new configuration can be reached {}; keeping the previous configuration",
                        LdapConfig.PID, unreachable);
                return false;
            }
        }
        if (settings.plaintext()) {
            LOG.warn("{}: key 'startTls' is false: passwords cross the connection to {} in clear", LdapConfig.PID,
                    settings.servers());
        }
        directory = new UserLookup(client, workers, ticker);
        vcards(settings.vcard() != null);
        if (previous != null) {
            previous.client().close();
        }
        LOG.info("LDAP directory: {}", settings);
        return true;
    }

    private void vcards(boolean on) {
        if (component == null) {
            return;
        }
        if (on) {
            component.enableComponent(DirectoryVCards.NAME);
        } else {
            component.disableComponent(DirectoryVCards.NAME);
        }
    }

    @Deactivate
    synchronized void deactivate() {
        UserLookup d = directory;
        directory = null;
        if (d != null) {
            d.client().close();
        }
    }

    @Override
    public CompletionStage<Result> authenticate(String username, String password) {
        UserLookup d = directory;
        if (d == null || username == null || password == null) {
            return CompletableFuture.completedFuture(Result.UNKNOWN_USER);
        }
        return d.find(username).thenCompose(found -> {
            if (found instanceof DirectoryClient.User user) {
                return workers.submit(() -> d.client().bind(user.dn(), password)).thenApply(ok -> {
                    if (!ok) {
                        // A refused bind may mean the entry moved: find it afresh next time.
                        d.forget(username);
                    }
                    return ok ? Result.ACCEPTED : Result.REJECTED;
                });
            }
            if (found instanceof DirectoryClient.Ambiguous a) {
                LOG.warn("LDAP: {} entries match username '{}' ({} and {}); nobody signs in with it",
                        a.count(), username, d.client().settings().userFilter(), d.client().settings().usernameAttribute());
                return CompletableFuture.completedFuture(Result.REJECTED);
            }
            return CompletableFuture.completedFuture(Result.UNKNOWN_USER);
        });
    }

    @Override
    public CompletionStage<Boolean> exists(String username) {
        UserLookup d = directory;
        if (d == null || username == null) {
            return CompletableFuture.completedFuture(false);
        }
        return d.find(username).thenApply(found -> !(found instanceof DirectoryClient.Nobody));
    }

    UserLookup directory() {
        return directory;
    }
}
