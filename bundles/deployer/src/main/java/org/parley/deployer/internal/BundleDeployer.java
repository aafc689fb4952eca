package org.parley.deployer.internal;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.Dictionary;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs bundles dropped into the instance's deploy/ directory, the way an operator expects:
 * a jar of a bundle that is already installed (from the distribution or an earlier drop)
 * upgrades that bundle in place when its version is newer, instead of installing a second copy
 * beside it, which is what FileInstall alone does. Removing the jar reverts an upgraded
 * distribution bundle to its original jar and uninstalls a bundle that came only from deploy/.
 *
 * <p>FileInstall asks registered installers before its own bundle handling, which would install a
 * second copy. So this component registers itself as the installer first (by hand: DS would
 * register the service only after the constructor has created the watcher, and the watcher's
 * first scan raced it) and only then creates the FileInstall watcher for deploy/. When it
 * deactivates it deletes the watcher, claiming every jar until the watcher's thread has ended,
 * and only then unregisters; its successor's watcher looks at every jar again (each one already
 * in place is recognised and left alone).
 *
 * <p>The deployer can upgrade itself from deploy/ too. Updating a bundle stops it, and stopping
 * this one deletes the watcher whose thread runs the FileInstall callback: done on that thread,
 * the watcher was closed under its own feet and spun on ClosedWatchServiceException. So the
 * deployer's own update runs on a thread of its own once the callback has returned, and the new
 * version reports it when it starts. FileInstall callbacks never swallow an interrupt, which is
 * how FileInstall stops a watcher it closes, and the watcher scans by listing the directory
 * rather than through a WatchService that a close makes fail on every turn of its loop.
 */
@Component(service = {}, immediate = true)
public final class BundleDeployer implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(BundleDeployer.class);
    private static final String FILEINSTALL_FACTORY_PID = "org.apache.felix.fileinstall";
    private static final String LOCATION_PREFIX = "deploy:";
    /** In this bundle's data area: the line the next version of the deployer logs when it starts. */
    private static final String SELF_UPGRADE_REPORT = "self-upgrade-report";
    /** In this bundle's data area, per upgraded distribution bundle (by id): the name of the jar in deploy/ that upgraded it. */
    private static final String UPGRADE_NOTE = "upgraded-";
    /** Between two looks for jars that went while no watcher saw them (see {@link #reconcile}). */
    private static final long RECONCILE_SECONDS = 3;

    /** How long deactivation waits for FileInstall to stop the watcher's thread. */
    private static final long WATCHER_STOP_MILLIS = 5000;

    private final BundleContext context;
    private final String deployDir;
    private final Configuration watcher;
    private final ServiceRegistration<ArtifactInstaller> registration;
    private final ScheduledExecutorService reconciler;
    /** Set on deactivation: jars are claimed and left for the successor. */
    private volatile boolean closing;

    @Activate
    public BundleDeployer(BundleContext context, @Reference ConfigurationAdmin configAdmin) throws IOException {
        this.context = context;
        this.deployDir = context.getProperty("parley.deploy");
        if (deployDir == null) {
            throw new IllegalStateException("framework property parley.deploy is not set");
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", deployDir);
        props.put("felix.fileinstall.filter", ".*\\.jar");
        props.put("felix.fileinstall.poll", "1000");
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.start.level", "8");
        String tmp = context.getProperty("felix.fileinstall.tmpdir"); // the launcher's: cleaned at each start
        if (tmp != null) {
            props.put("felix.fileinstall.tmpdir", tmp);
        }
        // List the directory on each poll: a WatchService that is closed while the watcher runs
        // fails on every turn of FileInstall's loop, which then logs without pause.
        props.put("felix.fileinstall.disableNio2", "true");
        this.watcher = configAdmin.getFactoryConfiguration(FILEINSTALL_FACTORY_PID, "deploy", "?");
        this.registration = context.registerService(ArtifactInstaller.class, this, null);
        watcher.update(props);
        reportSelfUpgrade();
        LOG.info("Watching {} for bundles", deployDir);
        this.reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-deployer-reconcile");
            t.setDaemon(true);
            return t;
        });
        reconciler.scheduleWithFixedDelay(this::reconcile, 0, RECONCILE_SECONDS, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() throws IOException {
        closing = true;
        reconciler.shutdownNow();
        try {
            // a reconciliation in progress ends before this bundle's context becomes invalid
            reconciler.awaitTermination(WATCHER_STOP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watcher.delete();
        awaitWatcherStopped();
        registration.unregister();
    }

    /**
     * Waits until FileInstall, told by ConfigAdmin that the watcher's configuration is gone, has
     * stopped its thread: until then this installer must stay registered, or FileInstall would
     * install a jar dropped meanwhile itself. FileInstall names the thread after the directory.
     */
    private void awaitWatcherStopped() {
        String name = "fileinstall-" + deployDir;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name) && t != Thread.currentThread()) {
                try {
                    t.join(WATCHER_STOP_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Bundle jars, and a jar that is gone: FileInstall asks again about a removed jar whose
     * installer went away meanwhile (this one, upgraded), and its removal must still be handled.
     * While closing, every jar, so that FileInstall does not install one itself.
     */
    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") && (closing || !artifact.exists() || symbolicName(manifest(artifact)) != null);
    }

    @Override
    public void install(File artifact) throws Exception {
        if (!closing) {
            deploy(artifact);
        }
    }

    @Override
    public void update(File artifact) throws Exception {
        if (!closing) {
            deploy(artifact);
        }
    }

    @Override
    public synchronized void uninstall(File artifact) throws Exception {
        if (closing) {
            return;
        }
        String location = LOCATION_PREFIX + artifact.getAbsolutePath();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getLocation().equals(location)) {
                remove(bundle, artifact + " was removed");
                return;
            }
        }
        String name = artifact.getName();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getLocation().startsWith("file:") && upgradedFrom(bundle, name)) {
                revert(bundle, artifact + " was removed");
                return;
            }
        }
    }

    /**
     * Undoes what a jar that is no longer in deploy/ did while no watcher of this deployer saw it
     * go: a watcher reports the removal of a jar only if it listed that jar before, so a jar taken
     * out while the server was stopped, or between this version's start and its watcher's first
     * listing, would leave its bundle installed or upgraded for good. Runs at start and then every
     * few seconds; under this object's lock, like the watcher's callbacks, so each change is done
     * once by whichever sees it first.
     */
    synchronized void reconcile() {
        if (closing) {
            return;
        }
        try {
            for (Bundle bundle : context.getBundles()) {
                String location = bundle.getLocation();
                if (location.startsWith(LOCATION_PREFIX)) {
                    File jar = new File(location.substring(LOCATION_PREFIX.length()));
                    if (!jar.exists()) {
                        remove(bundle, jar + " is no longer there");
                    }
                } else if (location.startsWith("file:")) {
                    String jarName = upgradeJar(bundle);
                    if (jarName == null || new File(deployDir, jarName).exists()) {
                        continue;
                    }
                    if (runsItsOwnJar(bundle)) {
                        // reverted already: a note left by a version of the deployer that kept notes after reverting
                        Files.deleteIfExists(context.getDataFile(UPGRADE_NOTE + bundle.getBundleId()).toPath());
                    } else {
                        revert(bundle, new File(deployDir, jarName) + " is no longer there");
                        if (bundle.equals(context.getBundle())) {
                            return; // this version is on its way out
                        }
                    }
                }
            }
        } catch (BundleException | IOException | RuntimeException e) {
            if (closing) {
                return; // stopping: the successor reconciles when it starts
            }
            LOG.error("Cannot bring the bundles in line with {}: {}", deployDir, e.toString(), e);
        }
    }

    /** Whether a distribution bundle runs the version of its own jar (an upgrade always has a newer one). */
    private static boolean runsItsOwnJar(Bundle bundle) {
        try {
            Manifest own = manifest(new File(URI.create(bundle.getLocation())));
            String version = own == null ? null : own.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
            return version != null && Version.parseVersion(version).equals(bundle.getVersion());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Uninstalls a bundle that came only from deploy/. */
    private void remove(Bundle bundle, String why) throws BundleException {
        LOG.info("Uninstalling {} {} ({})", bundle.getSymbolicName(), bundle.getVersion(), why);
        bundle.uninstall();
        refresh(bundle);
    }

    /**
     * Puts a distribution bundle back to its own jar. The note of the upgrade goes first: a
     * reconciliation must not revert it twice, nor this bundle's next version revert itself again.
     */
    private void revert(Bundle bundle, String why) throws BundleException, IOException {
        LOG.info("Reverting {} to {} ({})", bundle.getSymbolicName(), bundle.getLocation(), why);
        Files.deleteIfExists(context.getDataFile(UPGRADE_NOTE + bundle.getBundleId()).toPath());
        if (bundle.equals(context.getBundle())) {
            updateSelfLater(null, "Reverted " + bundle.getSymbolicName() + " from " + bundle.getVersion() + " to %s (" + why + ")");
            return;
        }
        bundle.update();
        refresh(bundle);
    }

    private boolean upgradedFrom(Bundle bundle, String jarName) {
        return jarName.equals(upgradeJar(bundle));
    }

    /** The name of the jar in deploy/ that upgraded a distribution bundle, or null when it runs its own. */
    private String upgradeJar(Bundle bundle) {
        File note = context.getDataFile(UPGRADE_NOTE + bundle.getBundleId());
        try {
            return note.exists() ? Files.readString(note.toPath()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private synchronized void deploy(File artifact) throws BundleException, IOException {
        Manifest manifest = manifest(artifact);
        String name = symbolicName(manifest);
        Version version = Version.parseVersion(manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION));
        Bundle installed = installedBundle(name);
        if (refused(artifact, manifest, name, version, installed)) {
            return;
        }
        if (installed == null) {
            Bundle bundle;
            try (InputStream in = Files.newInputStream(artifact.toPath())) {
                bundle = context.installBundle(LOCATION_PREFIX + artifact.getAbsolutePath(), in);
            }
            LOG.info("Installed {} {} from {}", name, version, artifact);
            if (manifest.getMainAttributes().getValue(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
            return;
        }
        int order = version.compareTo(installed.getVersion());
        if (order < 0) {
            LOG.warn("Ignoring {}: {} {} is older than the installed {}", artifact, name, version, installed.getVersion());
            return;
        }
        if (order == 0 && !installed.getLocation().equals(LOCATION_PREFIX + artifact.getAbsolutePath())) {
            if (upgradedFrom(installed, artifact.getName())) {
                LOG.debug("{} {} is installed from {} already", name, version, artifact);
            } else {
                LOG.info("{} {} is already installed; {} changes nothing", name, version, artifact);
            }
            return;
        }
        if (order == 0 && installed.getLastModified() >= artifact.lastModified()) {
            // a new watcher's first look at a jar installed from it before: nothing changed
            LOG.debug("{} {} from {} is installed already", name, version, artifact);
            return;
        }
        if (refused(artifact, manifest, name, version, installed)) {
            return;
        }
        Version previous = installed.getVersion();
        if (installed.equals(context.getBundle())) {
            if (installed.getLocation().startsWith("file:")) {
                Files.writeString(context.getDataFile(UPGRADE_NOTE + installed.getBundleId()).toPath(), artifact.getName());
            }
            updateSelfLater(Files.readAllBytes(artifact.toPath()),
                    "Upgraded " + name + " from " + previous + " to %s (" + artifact + ")");
            return;
        }
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            installed.update(in);
        }
        if (installed.getLocation().startsWith("file:")) {
            Files.writeString(context.getDataFile(UPGRADE_NOTE + installed.getBundleId()).toPath(), artifact.getName());
        }
        refreshIfWired(installed);
        LOG.info("Upgraded {} from {} to {} ({})", name, previous, version, artifact);
    }

    /**
     * Updates this bundle from {@code jar} (null: from its original location) on a thread of its
     * own, after the FileInstall callback that asked for it has returned; see the class comment.
     * {@code report} (with %s for the new version) is left in the data area for the successor to
     * log. Nothing runs after a successful update: the rest of this thread's code would belong to
     * a class loader that is gone by then.
     */
    private void updateSelfLater(byte[] jar, String report) throws IOException {
        Bundle self = context.getBundle();
        Files.writeString(context.getDataFile(SELF_UPGRADE_REPORT).toPath(), report);
        Thread updater = new Thread(() -> {
            try {
                if (jar == null) {
                    self.update();
                } else {
                    self.update(new ByteArrayInputStream(jar));
                }
            } catch (BundleException | RuntimeException e) {
                LOG.error("Cannot update {}: {}", self.getSymbolicName(), report.replace("%s", "?"), e);
            }
        }, "parley-deployer-update");
        updater.start();
    }

    /** Logs what the previous version of this bundle did to put this one in its place. */
    private void reportSelfUpgrade() {
        File report = context.getDataFile(SELF_UPGRADE_REPORT);
        if (report == null || !report.exists()) {
            return;
        }
        try {
            LOG.info(Files.readString(report.toPath()).replace("%s", context.getBundle().getVersion().toString()));
            Files.delete(report.toPath());
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}", report, e.toString());
        }
    }

    /**
     * Whether the jar imports a package in versions this server does not have (built against
     * another major version of the api, say): then it is not installed, or the running version
     * it would replace keeps running, and the log says which package and versions.
     */
    private boolean refused(File artifact, Manifest manifest, String name, Version version, Bundle installed) {
        List<PackageImports.Unsatisfied> missing = PackageImports.unsatisfied(PackageImports.imports(manifest),
                availableExports(installed, manifest, name + " " + version));
        if (missing.isEmpty()) {
            return false;
        }
        LOG.error("Refused {}: {} {} needs {}{}", artifact, name, version,
                String.join("; ", missing.stream().map(PackageImports.Unsatisfied::describe).toList()),
                installed == null ? "" : "; " + name + " " + installed.getVersion() + " keeps running");
        return true;
    }

    /**
     * The packages a jar can import: those the server's bundles export (the one it would replace
     * aside), those of the other jars in deploy/ (dropped together, they are installed one after
     * the other), and its own.
     */
    private List<PackageImports.Export> availableExports(Bundle replaced, Manifest manifest, String self) {
        List<PackageImports.Export> exports = new ArrayList<>(PackageImports.exports(manifest, self));
        for (Bundle bundle : context.getBundles()) {
            BundleRevision revision = bundle.equals(replaced) ? null : bundle.adapt(BundleRevision.class);
            if (revision == null) {
                continue;
            }
            for (BundleCapability c : revision.getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                Object version = c.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE);
                exports.add(new PackageImports.Export((String) c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE),
                        version instanceof Version v ? v : Version.emptyVersion, bundle.getSymbolicName() + " " + bundle.getVersion()));
            }
        }
        File[] jars = new File(deployDir).listFiles((dir, n) -> n.endsWith(".jar"));
        for (File jar : jars == null ? new File[0] : jars) {
            Manifest other = manifest(jar);
            String otherName = symbolicName(other);
            if (otherName != null && (replaced == null || !otherName.equals(replaced.getSymbolicName()))) {
                exports.addAll(PackageImports.exports(other, jar.getName()));
            }
        }
        return exports;
    }

    private Bundle installedBundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }

    /**
     * Refreshes after an update only when other bundles are still wired to the old revision (it
     * exported packages they use). Otherwise the update has already put the new revision in place
     * and started it, and a refresh would stop and start it a second time: for a bundle that hands
     * its state over (the session core), a second handover for nothing.
     */
    private void refreshIfWired(Bundle bundle) {
        if (context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).getRemovalPendingBundles().isEmpty()) {
            return;
        }
        refresh(bundle);
    }

    /**
     * Drops the old revision and rewires its dependents, waiting so log lines come in order. An
     * interrupt ends the wait and is kept: FileInstall interrupts a watcher's thread to stop it,
     * and a thread that lost the interrupt would run on with a closed watcher.
     */
    private void refresh(Bundle bundle) {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class)
                .refreshBundles(List.of(bundle), event -> {
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

    private static Manifest manifest(File jar) {
        try (JarFile file = new JarFile(jar)) {
            return file.getManifest();
        } catch (IOException e) {
            return null;
        }
    }

    private static String symbolicName(Manifest manifest) {
        if (manifest == null) {
            return null;
        }
        String value = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        return value == null ? null : value.split(";")[0].trim();
    }
}
