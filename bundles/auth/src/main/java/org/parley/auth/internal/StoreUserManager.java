package org.parley.auth.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.parley.api.auth.AccountListener;
import org.parley.api.auth.UserDirectory;
import org.parley.api.auth.UserException;
import org.parley.api.auth.UserManager;
import org.parley.api.server.Domain;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.StorageException;
import org.parley.api.storage.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link UserManager} over the {@link UserStore}: validates names and passwords, and stores a
 * SCRAM-SHA-1 and a SCRAM-SHA-256 credential (each with its own random salt) per account. Every
 * account it creates or deletes is invalidated in the {@link AccountCache}, so the
 * {@code UserDirectory} sees the change at once.
 *
 * <p>Disabling is kept in {@link DisabledAccounts}, apart from the credentials, so that an account
 * of a directory (LDAP) can be disabled here too: it exists when any {@link UserDirectory} says so.
 */
@Component(service = UserManager.class, configurationPid = {ServerConfig.PID, AuthConfig.PID})
public final class StoreUserManager implements UserManager {
    /** Accounts per upsertAll call of an import: bounds memory and the length of one transaction. */
    static final int IMPORT_BATCH = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(StoreUserManager.class);
    private static final List<ScramHash> HASHES = List.of(ScramHash.SHA_1, ScramHash.SHA_256);

    /** How long disable waits for the directories to say whether an account exists. */
    static final long DIRECTORY_WAIT_SECONDS = 10;

    private final UserStore store;
    private final AccountCache cache;
    private final DisabledAccounts disabled;
    private final List<UserDirectory> directories = new CopyOnWriteArrayList<>();
    private final SecureRandom random;
    private final int importBatch;
    private volatile DomainBareJid domain;
    private volatile AuthSettings settings;
    private final List<AccountListener> accountListeners = new CopyOnWriteArrayList<>();
    /** The pools of imports under way, stopped with the component. */
    private final Set<ForkJoinPool> imports = ConcurrentHashMap.newKeySet();

    @Activate
    public StoreUserManager(@Reference UserStore store, @Reference AccountCache cache,
            @Reference DisabledAccounts disabled, ServerConfig server, AuthConfig auth, Map<String, Object> properties) {
        this(store, cache, disabled, domainOrDefault(server.domain()), AuthSettings.from(auth, properties,
                AuthSettings.DEFAULTS, new ArrayList<>()), new SecureRandom(), IMPORT_BATCH);
    }

    StoreUserManager(UserStore store, AccountCache cache, DisabledAccounts disabled, DomainBareJid domain,
            AuthSettings settings, SecureRandom random, int importBatch) {
        this.store = store;
        this.cache = cache;
        this.disabled = disabled;
        this.domain = domain;
        this.settings = settings;
        this.random = random;
        this.importBatch = importBatch;
    }

    @Modified
    void modified(ServerConfig server, AuthConfig auth, Map<String, Object> properties) {
        try {
            domain = parseDomain(server.domain());
        } catch (IllegalArgumentException e) {
            LOG.error("{}: key 'domain': {}; keeping {}", ServerConfig.PID, e.getMessage(), domain);
        }
        // Invalid auth values are logged by AuthCore, which reads the same PID.
        settings = AuthSettings.from(auth, properties, settings, new ArrayList<>());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeAccountListener")
    void addAccountListener(AccountListener listener) {
        accountListeners.add(listener);
    }

    void removeAccountListener(AccountListener listener) {
        accountListeners.remove(listener);
    }

    /** Directories other than the store (LDAP) whose accounts may be disabled too. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeDirectory")
    void addDirectory(UserDirectory directory) {
        directories.add(directory);
    }

    void removeDirectory(UserDirectory directory) {
        directories.remove(directory);
    }

    @Deactivate
    void deactivate() {
        // Not shutdownNow: an interrupt inside the embedded H2 database closes its file for every bundle.
        imports.forEach(ForkJoinPool::shutdown);
    }

    private static DomainBareJid domainOrDefault(String configured) {
        try {
            return parseDomain(configured);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: key 'domain': {}; using localhost", ServerConfig.PID, e.getMessage());
            return parseDomain("localhost");
        }
    }

    /**
     * A domain as configured or typed by an operator, by the server's one rule set
     * ({@link Domain}), so that what the configuration accepts as the served domain and what a
     * command accepts after the '@' are the same.
     */
    private static DomainBareJid parseDomain(String domain) {
        return Domain.parse(domain).jid();
    }

    /** The served domain, for showing JIDs. */
    DomainBareJid domain() {
        return domain;
    }

    @Override
    public void create(String username, String password) throws UserException {
        String local = localpart(username);
        List<ScramCredential> credentials = credentials(preparePassword(password));
        boolean created;
        try {
            created = storage(() -> store.create(local, credentials));
        } finally {
            // Also after a failure: the store may have committed before the error reached us.
            cache.invalidate(local);
        }
        if (!created) {
            throw new UserException("user " + jid(local) + " already exists");
        }
    }

    @Override
    public void setPassword(String username, String password) throws UserException {
        String local = localpart(username);
        List<ScramCredential> credentials = credentials(preparePassword(password));
        if (!storage(() -> store.setCredentials(local, credentials))) {
            throw new UserException("no such user: " + jid(local));
        }
    }

    @Override
    public void delete(String username) throws UserException {
        String local = localpart(username);
        boolean deleted;
        try {
            deleted = storage(() -> store.delete(local));
        } finally {
            cache.invalidate(local);
        }
        if (!deleted) {
            throw new UserException("no such user: " + jid(local));
        }
        // A name created again later is a new account, not the disabled one.
        try {
            disabled.enable(local);
        } catch (StorageException e) {
            LOG.error("{} is deleted, but its disabled mark could not be removed: {}", jid(local), e.getMessage());
        }
        EntityBareJid account = JidCreate.entityBareFromOrThrowUnchecked(jid(local));
        for (AccountListener listener : accountListeners) {
            try {
                listener.deleted(account);
            } catch (RuntimeException e) {
                LOG.error("A bundle failed to clean up after the deletion of {} ({}); the account is deleted", account,
                        listener.getClass().getName(), e);
            }
        }
    }

    /**
     * Marks the account disabled first, then tells the listeners (the session core ends its
     * sessions): a sign-in that starts after the mark is refused, one that ends after the sessions
     * were ended is refused by the same mark.
     */
    @Override
    public void disable(String username) throws UserException {
        String local = localpart(username);
        if (!accountExists(local)) {
            throw new UserException("no such user: " + jid(local));
        }
        storage(() -> disabled.disable(local));
        EntityBareJid account = JidCreate.entityBareFromOrThrowUnchecked(jid(local));
        // Also when it was disabled already: a session that slipped in between is ended now.
        for (AccountListener listener : accountListeners) {
            try {
                listener.disabled(account);
            } catch (RuntimeException e) {
                LOG.error("A bundle failed to act on the disabling of {} ({}); the account is disabled", account,
                        listener.getClass().getName(), e);
            }
        }
    }

    @Override
    public void enable(String username) throws UserException {
        String local = localpart(username);
        boolean wasDisabled = storage(() -> disabled.enable(local));
        if (!wasDisabled && !accountExists(local)) {
            throw new UserException("no such user: " + jid(local));
        }
    }

    @Override
    public boolean isDisabled(String username) throws UserException {
        String local = localpart(username);
        return storage(() -> disabled.isDisabled(local));
    }

    @Override
    public List<String> listDisabled(int offset, int limit) throws UserException {
        if (offset < 0 || limit < 0) {
            throw new UserException("offset and limit must not be negative");
        }
        return storage(() -> disabled.list(offset, limit));
    }

    /**
     * In the store, or in any other directory. A directory that cannot answer (down, timed out)
     * counts as "no": disabling a name nobody vouches for would keep a row for nothing.
     */
    private boolean accountExists(String local) throws UserException {
        if (storage(() -> store.exists(local))) {
            return true;
        }
        for (UserDirectory directory : directories) {
            if (directory instanceof StoreUserDirectory) {
                continue; // the store answered already
            }
            try {
                if (Boolean.TRUE.equals(directory.exists(local).toCompletableFuture()
                        .get(DIRECTORY_WAIT_SECONDS, TimeUnit.SECONDS))) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserException("interrupted while asking the directories about " + jid(local));
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("A directory ({}) could not say whether {} exists: {}", directory.getClass().getName(),
                        jid(local), e.toString());
            }
        }
        return false;
    }

    @Override
    public boolean exists(String username) throws UserException {
        String local = localpart(username);
        return storage(() -> store.exists(local));
    }

    @Override
    public List<String> list(int offset, int limit) throws UserException {
        if (offset < 0 || limit < 0) {
            throw new UserException("offset and limit must not be negative");
        }
        return storage(() -> store.list(offset, limit));
    }

    @Override
    public int count() throws UserException {
        return storage(store::count);
    }

    /**
     * Reads and validates every line first, so a bad line writes nothing; then derives the
     * credentials on all cores (PBKDF2 dominates) and writes them in batches of {@link #IMPORT_BATCH}.
     */
    @Override
    public int importUsers(BufferedReader lines) throws UserException {
        return write(parse(lines, "password", StoreUserManager::importedPassword), this::credentials);
    }

    /**
     * A hashed file given to the plaintext import would otherwise be accepted line by line, with
     * the credentials as everyone's new password, replacing the passwords the users have.
     */
    private static String importedPassword(String password) throws UserException {
        for (ScramHash hash : ScramHash.values()) {
            if (password.startsWith(hash.mechanism() + "$")) {
                throw new UserException("this is a SCRAM credential, not a password: import the file with --hashed");
            }
        }
        return preparePassword(password);
    }

    /**
     * As {@link #importUsers}, with credentials derived elsewhere: no PBKDF2 to run, so what is
     * left is parsing and the database.
     */
    @Override
    public int importScramCredentials(BufferedReader lines) throws UserException {
        return write(parse(lines, "credential", StoreUserManager::scramCredentials), credentials -> credentials);
    }

    private <T> int write(List<Account<T>> accounts, Function<T, List<ScramCredential>> derive) throws UserException {
        if (accounts.isEmpty()) {
            return 0;
        }
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        imports.add(pool);
        int written = 0;
        try {
            for (int from = 0; from < accounts.size(); from += importBatch) {
                List<Account<T>> batch = accounts.subList(from, Math.min(from + importBatch, accounts.size()));
                // A parallel stream started inside the pool runs on the pool's threads.
                Map<String, List<ScramCredential>> derived = pool.submit(() -> batch.parallelStream()
                        .collect(Collectors.toMap(Account::localpart, a -> derive.apply(a.value()),
                                (a, b) -> a, LinkedHashMap::new)))
                        .get();
                int done = written;
                storage(() -> {
                    store.upsertAll(derived);
                    return null;
                }, "after " + done + " of " + accounts.size() + " accounts were written");
                written += derived.size();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("import interrupted after " + written + " of " + accounts.size() + " accounts");
        } catch (CancellationException | RejectedExecutionException e) {
            throw new UserException("import stopped (the auth bundle is stopping) after " + written + " of "
                    + accounts.size() + " accounts");
        } catch (ExecutionException e) {
            throw new UserException("import failed after " + written + " of " + accounts.size() + " accounts: "
                    + e.getCause(), e.getCause());
        } finally {
            imports.remove(pool);
            pool.shutdownNow();
            // Whatever was written, new accounts among it must exist for the directory now.
            cache.invalidateAll();
        }
        return written;
    }

    /** One valid line of an import file: the prepared localpart and what followed it. */
    private record Account<T>(String localpart, T value) {
    }

    /** Reads what follows the name on a line, or says in one line, without the line number, what is wrong. */
    private interface LineValue<T> {
        T parse(String rest) throws UserException;
    }

    private <T> List<Account<T>> parse(BufferedReader lines, String what, LineValue<T> value) throws UserException {
        List<Account<T>> accounts = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        int number = 0;
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                number++;
                String text = line.stripLeading();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                // The name ends at the first whitespace; the value is the rest of the line after
                // that whitespace run, so a password may contain spaces itself.
                int end = 0;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
                String rest = text.substring(end).stripLeading();
                if (rest.isEmpty()) {
                    throw new UserException("line " + number + ": no " + what + " after '" + text.substring(0, end) + "'");
                }
                String local;
                T parsed;
                try {
                    local = localpart(text.substring(0, end));
                    parsed = value.parse(rest);
                } catch (UserException e) {
                    throw new UserException("line " + number + ": " + e.getMessage());
                }
                Integer earlier = firstLine.putIfAbsent(local, number);
                if (earlier != null) {
                    throw new UserException("line " + number + ": " + jid(local) + " is already on line " + earlier);
                }
                accounts.add(new Account<>(local, parsed));
            }
        } catch (IOException e) {
            throw new UserException("cannot read the import after line " + number + ": " + e.getMessage(), e);
        }
        return accounts;
    }

    /**
     * One or more RFC 5803 values separated by whitespace, at most one per hash. An account may
     * come with SCRAM-SHA-1 alone (older servers kept no more): PLAIN and SCRAM-SHA-1 then work
     * for it, and SCRAM-SHA-256 fails as for an unknown user.
     */
    private static List<ScramCredential> scramCredentials(String rest) throws UserException {
        String[] values = rest.strip().split("\\s+");
        List<ScramCredential> credentials = new ArrayList<>(values.length);
        for (String value : values) {
            ScramCredential credential;
            try {
                credential = ScramAuthPassword.parse(value, AuthSettings.MIN_ITERATIONS, AuthSettings.MAX_ITERATIONS);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            for (ScramCredential earlier : credentials) {
                if (earlier.hash() == credential.hash()) {
                    throw new UserException(credential.hash().mechanism() + " is given twice");
                }
            }
            credentials.add(credential);
        }
        return credentials;
    }

    /**
     * The prepared localpart of {@code user} or {@code user@domain}, where the domain must be the
     * served one.
     */
    String localpart(String username) throws UserException {
        if (username == null || username.isBlank()) {
            throw new UserException("the username is empty");
        }
        String name = username.trim();
        if (name.indexOf('/') >= 0) {
            throw new UserException("'" + name + "' has a resource: give user or user@" + domain);
        }
        int at = name.indexOf('@');
        if (at >= 0) {
            String given = name.substring(at + 1);
            DomainBareJid givenDomain;
            try {
                givenDomain = parseDomain(given);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            if (!givenDomain.equals(domain)) {
                throw new UserException("domain " + givenDomain + " is not served here (this server serves " + domain + ")");
            }
            name = name.substring(0, at);
        }
        try {
            return Precis.username(name);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    private static String preparePassword(String password) throws UserException {
        try {
            return Precis.password(password);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** One credential per hash, each with its own random salt. */
    List<ScramCredential> credentials(String preparedPassword) {
        int iterations = settings.iterations();
        List<ScramCredential> credentials = new ArrayList<>(HASHES.size());
        for (ScramHash hash : HASHES) {
            byte[] salt = new byte[Scram.SALT_LENGTH];
            random.nextBytes(salt);
            credentials.add(Scram.credential(hash, preparedPassword, salt, iterations));
        }
        return credentials;
    }

    private String jid(String localpart) {
        return localpart + "@" + domain;
    }

    private static <T> T storage(Supplier<T> call) throws UserException {
        return storage(call, null);
    }

    private static <T> T storage(Supplier<T> call, String context) throws UserException {
        try {
            return call.get();
        } catch (StorageException e) {
            throw new UserException("storage failed" + (context == null ? "" : " " + context) + ": "
                    + e.getMessage(), e);
        }
    }
}
