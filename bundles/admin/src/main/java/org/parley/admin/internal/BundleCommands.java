package org.parley.admin.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Shell commands for operators, what the console's bundles page does: {@code bundle:list},
 * {@code bundle:upgrade <jar>}, {@code bundle:stop|start|rollback <symbolic name>}; so
 * {@code bin/parley bundle rollback org.parley.im}. Registered by {@link AdminServlet} with the
 * one {@link BundleManager} (one upgrader for the console and the shell), and audited like the
 * console's changes, as done from the shell. Gogo finds the methods by name; each returns the
 * text to print or throws an exception whose message is the error.
 */
public final class BundleCommands {
    static final String[] FUNCTIONS = {"list", "upgrade", "stop", "start", "rollback"};
    private static final String ACTOR = "shell (bin/parley)";

    private final BundleManager bundles;
    private final AdminStore store;
    private final IntSupplier sessions;
    private final LongSupplier held;
    private final BooleanSupplier allowThirdParty;

    BundleCommands(BundleManager bundles, AdminStore store, IntSupplier sessions, LongSupplier held, BooleanSupplier allowThirdParty) {
        this.bundles = bundles;
        this.store = store;
        this.sessions = sessions;
        this.held = held;
        this.allowThirdParty = allowThirdParty;
    }

    /** Every bundle: symbolic name, version, state, and the version a roll-back would return to. */
    public String list() {
        StringJoiner out = new StringJoiner("\n");
        for (Map<String, Object> b : bundles.list()) {
            Object previous = b.get("previousVersion");
            out.add(b.get("symbolicName") + "  " + b.get("version") + "  " + b.get("state")
                    + (previous == null ? "" : "  (roll-back to " + previous + ")"));
        }
        return out.toString();
    }

    /** Installs or upgrades live from a jar file, as an upload to the console does. */
    public String upgrade(String jar) throws Exception {
        Path file = Path.of(jar);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
        return audited("upgrade", file.getFileName().toString(), () -> outcome(bundles.upload(bytes, allowThirdParty.getAsBoolean(), sessions, held)));
    }

    public String stop(String symbolicName) throws Exception {
        return audited("stop", symbolicName, () -> {
            bundles.stop(symbolicName);
            return "stopped " + symbolicName;
        });
    }

    public String start(String symbolicName) throws Exception {
        return audited("start", symbolicName, () -> {
            bundles.start(symbolicName);
            return "started " + symbolicName;
        });
    }

    /** Back to the version that ran before the last upgrade made through the console or here. */
    public String rollback(String symbolicName) throws Exception {
        return audited("rollback", symbolicName, () -> outcome(bundles.rollback(symbolicName, sessions, held)));
    }

    private static String outcome(BundleManager.Outcome o) {
        return BundlePages.outcome(o); // one line, as the console says it
    }

    private interface Change {
        String run() throws ApiException;
    }

    /** Runs a change and writes who, what and how it ended to the audit log; a refusal's reason is the error. */
    private String audited(String action, String target, Change change) throws Exception {
        try {
            String done = change.run();
            audit(action, target, "ok", done);
            return done;
        } catch (ApiException e) {
            audit(action, target, "refused", e.getMessage());
            throw new IllegalStateException(e.getMessage());
        }
    }

    private void audit(String action, String target, String outcome, String detail) {
        try {
            store.audit(ACTOR, "local", "BUNDLE-" + action.toUpperCase(java.util.Locale.ROOT), target, outcome, detail);
        } catch (RuntimeException e) {
            // The change is made; losing its audit line must not turn it into an error.
            org.slf4j.LoggerFactory.getLogger(BundleCommands.class).error("Audit entry lost (bundle {} {}: {}): {}", action, target,
                    outcome, e.getMessage());
        }
    }
}
