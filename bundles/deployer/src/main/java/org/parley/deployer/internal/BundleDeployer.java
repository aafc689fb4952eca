package org.parley.deployer.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.Version;
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
 * <p>FileInstall asks registered installers before its own bundle handling, so this component
 * registers first and only then creates the FileInstall watcher for deploy/.
 */
@Component(service = ArtifactInstaller.class, immediate = true)
public final class BundleDeployer implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(BundleDeployer.class);
    private static final String FILEINSTALL_FACTORY_PID = "org.apache.felix.fileinstall";
    private static final String LOCATION_PREFIX = "deploy:";

    private final BundleContext context;
    private final Configuration watcher;

    @Activate
    public BundleDeployer(BundleContext context, @Reference ConfigurationAdmin configAdmin) throws IOException {
        this.context = context;
        String deployDir = context.getProperty("parley.deploy");
        if (deployDir == null) {
            throw new IllegalStateException("framework property parley.deploy is not set");
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", deployDir);
        props.put("felix.fileinstall.filter", ".*\\.jar");
        props.put("felix.fileinstall.poll", "1000");
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.start.level", "8");
        this.watcher = configAdmin.getFactoryConfiguration(FILEINSTALL_FACTORY_PID, "deploy", "?");
        watcher.update(props);
        LOG.info("Watching {} for bundles", deployDir);
    }

    @Deactivate
    void deactivate() throws IOException {
        watcher.delete();
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") && symbolicName(manifest(artifact)) != null;
    }

    @Override
    public void install(File artifact) throws Exception {
        deploy(artifact);
    }

    @Override
    public void update(File artifact) throws Exception {
        deploy(artifact);
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        String location = LOCATION_PREFIX + artifact.getAbsolutePath();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getLocation().equals(location)) {
                LOG.info("Uninstalling {} {} ({} was removed)", bundle.getSymbolicName(), bundle.getVersion(), artifact);
                bundle.uninstall();
                refresh(bundle);
                return;
            }
        }
        String name = artifact.getName();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getLocation().startsWith("file:") && upgradedFrom(bundle, name)) {
                LOG.info("Reverting {} to {} ({} was removed)", bundle.getSymbolicName(), bundle.getLocation(), artifact);
                bundle.update();
                refresh(bundle);
                return;
            }
        }
    }

    private boolean upgradedFrom(Bundle bundle, String jarName) {
        File marker = context.getDataFile("upgraded-" + bundle.getBundleId());
        try {
            return marker.exists() && Files.readString(marker.toPath()).equals(jarName);
        } catch (IOException e) {
            return false;
        }
    }

    private void deploy(File artifact) throws BundleException, IOException, InterruptedException {
        Manifest manifest = manifest(artifact);
        String name = symbolicName(manifest);
        Version version = Version.parseVersion(manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION));
        Bundle installed = installedBundle(name);
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
            LOG.info("{} {} is already installed; {} changes nothing", name, version, artifact);
            return;
        }
        Version previous = installed.getVersion();
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            installed.update(in);
        }
        if (installed.getLocation().startsWith("file:")) {
            Files.writeString(context.getDataFile("upgraded-" + installed.getBundleId()).toPath(), artifact.getName());
        }
        refresh(installed);
        LOG.info("Upgraded {} from {} to {} ({})", name, previous, version, artifact);
    }

    private Bundle installedBundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }

    /** Drops the old revision and rewires its dependents, waiting so log lines come in order. */
    private void refresh(Bundle bundle) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class)
                .refreshBundles(List.of(bundle), event -> {
                    if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                        done.countDown();
                    }
                });
        done.await(30, TimeUnit.SECONDS);
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
