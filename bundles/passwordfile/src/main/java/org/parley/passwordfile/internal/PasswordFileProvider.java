package org.parley.passwordfile.internal;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
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
 * The password file as a password source and as a list of accounts. Its users sign in with PLAIN
 * (inside TLS), their password checked against the file's hash on the worker pool; the file is
 * read again when it changes (its modification time, size or identity), looked at every
 * {@code pollSeconds} by a thread of this component.
 *
 * <p>Ranked between the internal store ({@code -1000}) and a directory ({@code -2000}): local
 * accounts (the first admin) come first, and an institution that replicates passwords into the
 * file and also runs a directory has the file answer for the users it lists.
 *
 * <p>The file stays the truth across an upgrade of this bundle: the successor reads it again, so
 * there is no state to hand over. A file that cannot be read keeps the entries last read.
 *
 * <p>Enabled by {@link ProviderSwitch} (key {@code enabled}), so that switching it off withdraws its
 * services rather than leaving a provider that answers "unknown".
 */
@Component(service = {PasswordAuthenticator.class, UserDirectory.class}, configurationPid = PasswordFileConfig.PID,
        enabled = false, // ProviderSwitch enables it unless the configuration says enabled = false
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "service.ranking:Integer=" + PasswordFileProvider.RANKING)
@Designate(ocd = PasswordFileConfig.class)
public final class PasswordFileProvider implements PasswordAuthenticator, UserDirectory {
    static final int RANKING = -1500;
    static final String ETC_PROPERTY = "parley.etc";

    private static final Logger LOG = LoggerFactory.getLogger(PasswordFileProvider.class);

    private final WorkerPool workers;
    private final Path etc;
    private final ScheduledExecutorService poller;
    private volatile Map<String, PasswordHash> entries = Map.of();
    /** Guarded by this. */
    private Path file;
    private Object stamp;
    private ScheduledFuture<?> polling;

    /** What tells a changed file: an editor that writes a new file and renames it changes the identity. */
    private record Stamp(long modified, long size, Object identity) {
    }

    /** The stamp of a file that could not be read: its problem is logged once, not at every look. */
    private static final Object UNREADABLE = new Object();

    @Activate
    public PasswordFileProvider(@Reference WorkerPool workers, BundleContext context, PasswordFileConfig config) {
        this(workers, etcDirectory(context));
        apply(config);
    }

    PasswordFileProvider(WorkerPool workers, Path etc) {
        this.workers = workers;
        this.etc = etc;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-passwordfile");
            t.setDaemon(true);
            return t;
        });
    }

    static Path etcDirectory(BundleContext context) {
        String dir = context.getProperty(ETC_PROPERTY);
        return dir == null ? null : Path.of(dir);
    }

    @Modified
    void modified(PasswordFileConfig config) {
        apply(config);
    }

    @Deactivate
    void deactivate() {
        poller.shutdownNow();
    }

    /** Applies a configuration; returns whether it was taken (an invalid one is logged with its key and the old stays). */
    synchronized boolean apply(PasswordFileConfig config) {
        Path next;
        try {
            next = fileOf(config, etc);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}; {}", PasswordFileConfig.PID, e.getMessage(), keeping());
            return false;
        }
        if (config.pollSeconds() < 1 || config.pollSeconds() > 3600) {
            LOG.error("{}: key 'pollSeconds': must be 1-3600, got {}; {}", PasswordFileConfig.PID, config.pollSeconds(), keeping());
            return false;
        }
        if (polling != null) {
            polling.cancel(false);
            polling = null;
        }
        if (next == null) {
            file = null;
            stamp = null;
            entries = Map.of();
            LOG.info("Password file: off (no 'file' in {})", PasswordFileConfig.PID);
            return true;
        }
        if (!next.equals(file)) {
            entries = Map.of(); // another file: the old one's users are not this one's
            stamp = null;
        }
        file = next;
        reloadIfChanged();
        polling = poller.scheduleWithFixedDelay(this::reloadIfChanged, config.pollSeconds(), config.pollSeconds(), TimeUnit.SECONDS);
        return true;
    }

    /**
     * The file a configuration names, a relative name taken in etc/; null when it names none. Also
     * what the console's checker asks, so the two cannot disagree.
     *
     * @throws IllegalArgumentException starting with the key, for a name the file system refuses
     */
    static Path fileOf(PasswordFileConfig config, Path etc) {
        String value = config.file() == null ? "" : config.file().trim();
        if (value.isEmpty()) {
            return null;
        }
        try {
            Path p = Path.of(value);
            return p.isAbsolute() || etc == null ? p : etc.resolve(p);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("key 'file': not a file name: " + e.getMessage(), e);
        }
    }

    private String keeping() {
        return file == null ? "the password file is not used" : "keeping the previous configuration";
    }

    /** Reads the file again when it changed; on the poller thread or under apply. */
    synchronized void reloadIfChanged() {
        Path f = file;
        if (f == null) {
            return;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(f, BasicFileAttributes.class);
            Stamp now = new Stamp(attributes.lastModifiedTime().toMillis(), attributes.size(), attributes.fileKey());
            if (Objects.equals(now, stamp)) {
                return;
            }
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            stamp = now;
            PasswordFile.Loaded loaded = PasswordFile.parse(lines, entries);
            for (PasswordFile.Problem p : loaded.problems()) {
                LOG.warn("Password file {} line {} skipped: {}", f, p.line(), p.reason());
            }
            entries = loaded.entries();
            LOG.info("Password file {}: {} users{}", f, loaded.entries().size(),
                    loaded.problems().isEmpty() ? "" : ", " + loaded.problems().size() + " lines skipped");
        } catch (NoSuchFileException e) {
            unreadable(f, "it does not exist");
        } catch (MalformedInputException e) {
            unreadable(f, "it is not UTF-8 text");
        } catch (IOException | RuntimeException e) {
            unreadable(f, e.toString());
        }
    }

    private void unreadable(Path f, String why) {
        if (stamp != UNREADABLE) {
            stamp = UNREADABLE;
            LOG.error("Password file {} cannot be read: {}; {} ({} key 'file')", f, why,
                    entries.isEmpty() ? "nobody signs in with it" : "keeping the " + entries.size() + " users last read",
                    PasswordFileConfig.PID);
        }
    }

    @Override
    public CompletionStage<Result> authenticate(String username, String password) {
        PasswordHash hash = username == null ? null : entries.get(username);
        if (hash == null || password == null) {
            return CompletableFuture.completedFuture(Result.UNKNOWN_USER);
        }
        // bcrypt and the crypt rounds are slow on purpose: on the pool, never the caller's thread.
        return workers.submit(() -> hash.matches(password) ? Result.ACCEPTED : Result.REJECTED);
    }

    @Override
    public CompletionStage<Boolean> exists(String username) {
        return CompletableFuture.completedFuture(username != null && entries.containsKey(username));
    }

    /** The users now known (for tests). */
    Map<String, PasswordHash> entries() {
        return entries;
    }
}
