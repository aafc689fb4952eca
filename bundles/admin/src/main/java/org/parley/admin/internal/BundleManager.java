package org.parley.admin.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;

/**
 * Bundles listed, started, stopped, upgraded and rolled back. An upload is checked here (a
 * bundle at all, a Parley bundle unless third-party bundles are allowed, newer than what runs,
 * resolvable against what is installed) and then dropped into the instance's deploy/ directory,
 * where the deployer bundle upgrades it in place as it does any jar the operator drops there:
 * one upgrader, and an upgrade that survives a restart. The jar that ran before is kept in this
 * bundle's data area, and a roll-back gives it back to the deployer the same way.
 */
final class BundleManager {
    static final String PARLEY_PREFIX = "org.parley.";
    private static final String PROBE_LOCATION = "parley-admin-probe:";
    private static final long DEPLOY_WAIT_MILLIS = 60_000;
    private static final long SETTLE_MILLIS = 1000;

    /**
     * What an upload or a roll-back did. {@code stanzasHeld}: the times a stanza waited for a
     * service being replaced while it ran (the session core's {@code TrafficCounters}), instead of
     * being refused; null when the session core was not there to count.
     */
    record Outcome(String symbolicName, String from, String to, String state, long millis, int sessionsBefore, int sessionsAfter,
            Long stanzasHeld) {
    }

    /** The growth of a counter over an operation, or null when it was not there to read before and after. */
    static Long growth(long before, long after) {
        return before < 0 || after < before ? null : after - before;
    }

    private final BundleContext context;
    private final Path deployDir;
    private final Path previousDir;

    BundleManager(BundleContext context, Path deployDir, Path dataDir) {
        this.context = context;
        this.deployDir = deployDir;
        this.previousDir = dataDir.resolve("previous");
    }

    List<Map<String, Object>> list() {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            result.add(describe(b));
        }
        return result;
    }

    Map<String, Object> describe(Bundle b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.getBundleId());
        m.put("symbolicName", b.getSymbolicName());
        m.put("version", b.getVersion().toString());
        m.put("state", state(b.getState()));
        m.put("parley", b.getSymbolicName() != null && b.getSymbolicName().startsWith(PARLEY_PREFIX));
        m.put("fragment", b.getHeaders("").get(Constants.FRAGMENT_HOST) != null);
        Path kept = previousJar(b.getSymbolicName());
        m.put("previousVersion", kept != null && Files.isRegularFile(kept) ? versionOf(kept) : null);
        return m;
    }

    Bundle bundle(String symbolicName) throws ApiException {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw ApiException.notFound("no bundle " + symbolicName + " is installed");
    }

    void start(String symbolicName) throws ApiException {
        Bundle b = bundle(symbolicName);
        try {
            b.start();
        } catch (BundleException e) {
            throw ApiException.unprocessable(symbolicName + " cannot start: " + e.getMessage());
        }
    }

    void stop(String symbolicName) throws ApiException {
        Bundle b = bundle(symbolicName);
        if (b.getBundleId() == 0 || b.equals(context.getBundle()) || isConsoleInfrastructure(b)) {
            throw ApiException.conflict(symbolicName + " carries the console itself; stopping it from the console would "
                    + "cut the console off (use bin/parley or the shell)");
        }
        try {
            b.stop();
        } catch (BundleException e) {
            throw ApiException.unprocessable(symbolicName + " cannot stop: " + e.getMessage());
        }
    }

    /**
     * Checks an uploaded jar and hands it to the deployer; returns when the new version runs.
     *
     * @param sessions how many sessions are bound (before and after are reported)
     * @param held the stanzas held across upgrades so far, negative when unknown (the growth is reported)
     */
    synchronized Outcome upload(byte[] jar, boolean allowThirdParty, java.util.function.IntSupplier sessions,
            java.util.function.LongSupplier held) throws ApiException {
        Manifest manifest = manifest(jar);
        String name = symbolicName(manifest);
        if (name == null) {
            throw ApiException.unprocessable("the upload is not an OSGi bundle: its manifest has no Bundle-SymbolicName");
        }
        if (!name.startsWith(PARLEY_PREFIX) && !allowThirdParty) {
            throw ApiException.unprocessable("'" + name + "' is not a Parley bundle (org.parley.*); third-party bundles are "
                    + "refused unless allowThirdPartyBundles is set in org.parley.admin");
        }
        Version version;
        try {
            version = Version.parseVersion(manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION));
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("the Bundle-Version of " + name + " is not a version: " + e.getMessage());
        }
        Bundle installed = find(name);
        if (installed != null && version.compareTo(installed.getVersion()) <= 0) {
            throw ApiException.conflict(name + " " + version + " is not newer than the running " + installed.getVersion()
                    + " (roll back with POST /api/bundles/" + name + "/rollback)");
        }
        if (installed != null && (installed.equals(context.getBundle()) || isConsoleInfrastructure(installed))) {
            throw ApiException.conflict(name + " carries the console itself; upgrade it through deploy/");
        }
        probe(jar, name, version);
        String from = installed == null ? null : installed.getVersion().toString();
        int before = sessions.getAsInt();
        long heldBefore = held.getAsLong();
        long start = System.nanoTime();
        try {
            Path target = deployTarget(installed, name);
            if (installed != null) {
                keepPrevious(installed);
            }
            writeAtomically(target, jar);
        } catch (IOException e) {
            throw new ApiException(500, "cannot write the bundle into " + deployDir + ": " + e.getMessage());
        }
        Bundle running = awaitVersion(name, version);
        return new Outcome(name, from, version.toString(), state(running.getState()), (System.nanoTime() - start) / 1_000_000, before, sessions.getAsInt(),
                growth(heldBefore, held.getAsLong()));
    }

    /** Gives the deployer back the jar that ran before the last upgrade through the console. */
    synchronized Outcome rollback(String name, java.util.function.IntSupplier sessions, java.util.function.LongSupplier held)
            throws ApiException {
        Bundle installed = bundle(name);
        Path kept = previousJar(name);
        if (kept == null || !Files.isRegularFile(kept)) {
            throw ApiException.conflict("no previous version of " + name + " is kept (only upgrades made through the console are)");
        }
        Version previous = Version.parseVersion(versionOf(kept));
        Version from = installed.getVersion();
        Path deployed = deployTarget(installed, name);
        if (!Files.isRegularFile(deployed)) {
            throw ApiException.conflict(name + " " + from + " does not come from deploy/; there is nothing to roll back");
        }
        int before = sessions.getAsInt();
        long heldBefore = held.getAsLong();
        long start = System.nanoTime();
        Bundle running;
        try {
            // Removing the jar makes the deployer revert a distribution bundle to its own jar (or
            // uninstall a bundle that came only from deploy/); the kept jar then upgrades from there
            // if it is not the distribution's. The deployer never installs an older version over a newer one.
            Files.deleteIfExists(deployed);
            awaitReverted(name, from);
            Bundle now = find(name);
            if (now == null || now.getVersion().compareTo(previous) < 0) {
                writeAtomically(deployed, Files.readAllBytes(kept));
                running = awaitVersion(name, previous);
            } else {
                running = now;
            }
            Files.deleteIfExists(kept);
        } catch (IOException e) {
            throw new ApiException(500, "cannot roll back " + name + ": " + e.getMessage());
        }
        return new Outcome(name, from.toString(), running.getVersion().toString(), state(running.getState()),
                (System.nanoTime() - start) / 1_000_000, before, sessions.getAsInt(),
                growth(heldBefore, held.getAsLong()));
    }

    /**
     * Installs the jar beside what runs, under a location of its own, and asks the framework to
     * resolve it without starting it: what cannot resolve is refused before the running version
     * is touched. The probe is uninstalled either way.
     */
    private void probe(byte[] jar, String name, Version version) throws ApiException {
        Bundle probe;
        try {
            probe = context.installBundle(PROBE_LOCATION + UUID.randomUUID(), new ByteArrayInputStream(jar));
        } catch (BundleException e) {
            throw ApiException.unprocessable(name + " " + version + " cannot be installed: " + e.getMessage());
        }
        try {
            FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
            if (!wiring.resolveBundles(List.of(probe))) {
                throw ApiException.unprocessable(name + " " + version + " does not resolve, the running version stays: "
                        + unresolved(probe));
            }
        } finally {
            try {
                probe.uninstall();
                refresh(probe);
            } catch (BundleException | IllegalStateException e) {
                // already gone
            }
        }
    }

    /** The probe's mandatory requirements that nothing installed satisfies, as the resolver would name them. */
    private String unresolved(Bundle probe) {
        BundleRevision revision = probe.adapt(BundleRevision.class);
        List<String> missing = new ArrayList<>();
        for (BundleRequirement requirement : revision.getDeclaredRequirements(null)) {
            if (Namespace.RESOLUTION_OPTIONAL.equals(requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))
                    || "osgi.ee".equals(requirement.getNamespace())) {
                continue;
            }
            if (!satisfied(requirement, probe)) {
                missing.add(requirement.getNamespace() + " " + requirement.getDirectives().getOrDefault("filter", ""));
            }
        }
        return missing.isEmpty() ? "the framework could not resolve it (see the server log)" : "missing " + String.join(", ", missing);
    }

    private boolean satisfied(BundleRequirement requirement, Bundle probe) {
        String filter = requirement.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE);
        for (Bundle b : context.getBundles()) {
            if (b.equals(probe) || b.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            BundleRevision r = b.adapt(BundleRevision.class);
            if (r == null) {
                continue;
            }
            for (BundleCapability capability : r.getDeclaredCapabilities(requirement.getNamespace())) {
                try {
                    if (filter == null || FrameworkUtil.createFilter(filter).matches(capability.getAttributes())) {
                        return true;
                    }
                } catch (InvalidSyntaxException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private Path deployTarget(Bundle installed, String name) {
        if (installed != null && installed.getLocation().startsWith("deploy:")) {
            return Path.of(installed.getLocation().substring("deploy:".length()));
        }
        return deployDir.resolve(name + ".jar");
    }

    /** Keeps the jar of the running version (from deploy/ or the distribution's system/) for a roll-back. */
    private void keepPrevious(Bundle installed) throws IOException {
        String location = installed.getLocation();
        Path source;
        if (location.startsWith("deploy:")) {
            source = Path.of(location.substring("deploy:".length()));
        } else if (location.startsWith("file:")) {
            source = Path.of(URI.create(location));
        } else {
            return;
        }
        if (Files.isRegularFile(source)) {
            Files.createDirectories(previousDir);
            Files.copy(source, previousJar(installed.getSymbolicName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path previousJar(String name) {
        return name == null ? null : previousDir.resolve(name + ".jar");
    }

    private static String versionOf(Path jar) {
        try (InputStream in = Files.newInputStream(jar); JarInputStream j = new JarInputStream(in)) {
            Manifest m = j.getManifest();
            return m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
        } catch (IOException e) {
            return null;
        }
    }

    private Bundle awaitVersion(String name, Version version) throws ApiException {
        Bundle[] found = new Bundle[1];
        boolean done = await(() -> {
            Bundle b = find(name);
            found[0] = b;
            return b != null && b.getVersion().equals(version)
                    && (b.getState() == Bundle.ACTIVE || b.getHeaders("").get(Constants.FRAGMENT_HOST) != null);
        });
        if (!done) {
            throw new ApiException(504, name + " " + version + " was handed to the deployer but is not active after "
                    + DEPLOY_WAIT_MILLIS / 1000 + " s" + (found[0] == null ? "" : " (" + found[0].getVersion() + " is "
                    + state(found[0].getState()) + ")") + "; see the server log");
        }
        return found[0];
    }

    private void awaitReverted(String name, Version from) throws ApiException {
        boolean done = await(() -> {
            Bundle b = find(name);
            return b == null || !b.getVersion().equals(from) && b.getState() == Bundle.ACTIVE;
        });
        if (!done) {
            throw new ApiException(504, name + " was not reverted by the deployer within " + DEPLOY_WAIT_MILLIS / 1000 + " s");
        }
    }

    /**
     * Waits until the condition has held for {@link #SETTLE_MILLIS} without a break and no old
     * revision awaits removal: the deployer refreshes after some updates (always after a revert),
     * which stops and starts the bundle once more just after its new version shows.
     */
    private boolean await(BooleanSupplier condition) {
        FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        long deadline = System.currentTimeMillis() + DEPLOY_WAIT_MILLIS;
        long heldSince = -1;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean() && wiring.getRemovalPendingBundles().isEmpty()) {
                long now = System.currentTimeMillis();
                if (heldSince < 0) {
                    heldSince = now;
                } else if (now - heldSince >= SETTLE_MILLIS) {
                    return true;
                }
            } else {
                heldSince = -1;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private Bundle find(String name) {
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName()) && !b.getLocation().startsWith(PROBE_LOCATION)) {
                return b;
            }
        }
        return null;
    }

    private static boolean isConsoleInfrastructure(Bundle b) {
        String name = b.getSymbolicName();
        return "org.parley.http".equals(name) || "org.parley.deployer".equals(name)
                || name != null && name.startsWith("org.apache.felix.http");
    }

    private void refresh(Bundle bundle) {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        try {
            done.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        // Outside deploy/'s *.jar filter until complete, then moved in one step: the deployer never reads half a jar.
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        Files.write(partial, bytes);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static Manifest manifest(byte[] jar) throws ApiException {
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest manifest = in.getManifest();
            if (manifest == null) {
                throw ApiException.unprocessable("the upload is not an OSGi bundle: it is not a jar with a manifest");
            }
            return manifest;
        } catch (IOException e) {
            throw ApiException.unprocessable("the upload is not an OSGi bundle: not a readable jar (" + e.getMessage() + ")");
        }
    }

    static String symbolicName(Manifest manifest) {
        String value = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        return value == null || value.isBlank() ? null : value.split(";")[0].trim();
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> Integer.toString(state);
        };
    }
}
