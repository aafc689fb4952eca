package org.parley.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;
import org.parley.api.storage.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks PLAIN passwords against the stored SCRAM credentials: derives SaltedPassword with the
 * stored salt and iteration count and compares the resulting StoredKey in constant time.
 *
 * <p>Its service ranking is low, so directory authenticators added later are asked first and
 * the internal accounts are the last resort.
 */
@Component(service = PasswordAuthenticator.class, configurationPid = AuthConfig.PID,
        enabled = false, // StoreSwitch enables it unless localPasswords = false
        property = "service.ranking:Integer=" + StoredPasswordAuthenticator.RANKING)
public final class StoredPasswordAuthenticator implements PasswordAuthenticator {
    static final int RANKING = -1000;

    private static final Logger LOG = LoggerFactory.getLogger(StoredPasswordAuthenticator.class);
    private static final byte[] DUMMY_SALT = "parley-unknown-user".getBytes(StandardCharsets.US_ASCII);

    private final UserStore store;
    private final AuthWorkers workers;
    /** Only its iteration count is used: the work spent on unknown users. */
    private volatile AuthSettings settings;

    @Activate
    public StoredPasswordAuthenticator(@Reference UserStore store, @Reference AuthWorkers workers, AuthConfig config,
            Map<String, Object> properties) {
        this(store, workers, AuthSettings.from(config, properties, AuthSettings.DEFAULTS, new ArrayList<>()));
    }

    StoredPasswordAuthenticator(UserStore store, AuthWorkers workers, AuthSettings settings) {
        this.store = store;
        this.workers = workers;
        this.settings = settings;
    }

    @Modified
    void modified(AuthConfig config, Map<String, Object> properties) {
        // Invalid values are logged by AuthCore, which reads the same PID; here they are just not taken.
        settings = AuthSettings.from(config, properties, settings, new ArrayList<>());
    }

    /**
     * @param password prepared with OpaqueString
     */
    @Override
    public CompletionStage<Result> authenticate(String username, String password) {
        // Both the lookup (blocking I/O) and PBKDF2 (milliseconds of CPU) run on the worker pool.
        return workers.supply(() -> check(username, password));
    }

    private Result check(String username, String password) {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        Optional<ScramCredential> stored = store.credential(username, ScramHash.SHA_256)
                .or(() -> store.credential(username, ScramHash.SHA_1));
        if (stored.isEmpty()) {
            // Spend the same work as for a real account, so the answer time does not tell
            // whether the name exists.
            Scram.hi(ScramHash.SHA_256, secret, DUMMY_SALT, settings.iterations());
            return Result.UNKNOWN_USER;
        }
        ScramCredential c = stored.get();
        byte[] salted = Scram.hi(c.hash(), secret, c.salt(), c.iterations());
        boolean matches = MessageDigest.isEqual(Scram.storedKey(c.hash(), salted), c.storedKey());
        if (!matches) {
            LOG.debug("PLAIN: wrong password for {}", username);
        }
        return matches ? Result.ACCEPTED : Result.REJECTED;
    }
}
