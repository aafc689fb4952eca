package org.parley.launcher;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Boots Apache Felix with the bundles of the configured features.
 *
 * <p>Start-up happens in two steps: first the OSGi services and FileInstall (start levels up to
 * {@link #CONFIG_LEVEL}), then, once FileInstall has put every file of etc/ into ConfigAdmin, the
 * Parley bundles. That way no component starts on built-in defaults and then restarts on the
 * operator's values (a transport would bind the wrong port first).
 */
final class FelixServer {
    /** The start level at which ConfigAdmin and FileInstall are running. */
    static final int CONFIG_LEVEL = 3;
    private static final long CONFIG_WAIT_MILLIS = 15_000;

    private final Instance instance;
    private final List<Features.BundleEntry> bundles;
    private final Map<String, String> extraProperties;
    private final Path storage;
    /** Set by the start thread, read by the shutdown hook and the main thread. */
    private volatile Framework framework;

    /** Bundle jars Felix keeps open at once (see start()). */
    static final int OPEN_JAR_LIMIT = 10;

    FelixServer(Instance instance, List<Features.BundleEntry> bundles, Path storage, Map<String, String> extraProperties) {
        this.instance = instance;
        this.bundles = bundles;
        this.storage = storage;
        this.extraProperties = extraProperties;
    }

    Framework framework() {
        return framework;
    }

    /**
     * Boots the framework on a thread of its own that ends when the server is up (see
     * {@link #onOwnThread}): Felix keeps a per-thread buffer as large as the largest bundle
     * manifest it read (880 KB for Bouncy Castle's signed bcprov), and the main thread, which only
     * waits for the stop afterwards, would hold it for the server's life.
     */
    void start() throws BundleException, InterruptedException {
        onOwnThread("parley-start", this::boot);
    }

    /** Work that may throw what {@link #start()} throws. */
    interface StartWork {
        void run() throws BundleException, InterruptedException;
    }

    /**
     * Runs the work on a new thread and waits for it, throwing what it threw. What the work leaves
     * in thread-locals (libraries' per-thread buffers and caches) goes with that thread instead of
     * staying on the caller's.
     */
    static void onOwnThread(String name, StartWork work) throws BundleException, InterruptedException {
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, name);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            thread.interrupt();
            throw e;
        }
        Throwable t = failure[0];
        if (t instanceof BundleException e) {
            throw e;
        } else if (t instanceof InterruptedException e) {
            throw e;
        } else if (t instanceof RuntimeException e) {
            throw e;
        } else if (t instanceof Error e) {
            throw e;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private void boot() throws BundleException, InterruptedException {
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        // The bundles come from system/ and deploy/ on every start: a clean cache means an
        // upgrade dropped into deploy/ and later removed cannot linger.
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(CONFIG_LEVEL));
        props.put("felix.log.level", "1");
        // Felix keeps every bundle's jar open by default: each open jar holds its central directory
        // in the heap and its inflaters in native memory, about 3 MiB for the 60-odd jars of an idle
        // server. Jars past this many are closed and reopened when a class or resource is next read
        // from them (after start, rarely: a feature used for the first time, an upgrade).
        props.put("felix.cache.filelimit", Integer.toString(OPEN_JAR_LIMIT));
        props.put("felix.fileinstall.dir", instance.etc.toString());
        props.put("felix.fileinstall.filter", ".*\\.cfg");
        props.put("felix.fileinstall.poll", "1000");
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.log.level", "2");
        // FileInstall makes a working directory per watcher and never removes it: keep them in the
        // framework's storage, which is cleaned at each start, not one more in /tmp per start.
        props.put("felix.fileinstall.tmpdir", storage.resolve("fileinstall").toString());
        // etc/ belongs to the operator: FileInstall must never write ConfigAdmin's view back into
        // it (it did so on every start, and a command stopping Felix mid-write left empty files).
        props.put("felix.fileinstall.enableConfigSave", "false");
        props.put("parley.home", instance.home.toString());
        props.put("parley.base", instance.base.toString());
        props.put("parley.etc", instance.etc.toString());
        props.put("parley.data", instance.data.toString());
        props.put("parley.deploy", instance.deploy.toString());
        props.put("parley.log", instance.log.toString());
        props.putAll(extraProperties);

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, FelixServer.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new LauncherException("no OSGi framework on the class path"));
        framework = factory.newFramework(props);
        framework.init();
        BundleContext context = framework.getBundleContext();
        int topLevel = CONFIG_LEVEL;
        for (Features.BundleEntry entry : bundles) {
            Bundle bundle = context.installBundle(entry.jar().toUri().toString());
            topLevel = Math.max(topLevel, entry.startLevel());
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.adapt(BundleStartLevel.class).setStartLevel(entry.startLevel());
                bundle.start();
            }
        }
        framework.start();
        awaitConfiguration(context);
        setStartLevel(topLevel);
        reportBundlesNotActive(context);
    }

    private void setStartLevel(int level) throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        framework.adapt(FrameworkStartLevel.class).setStartLevel(level, event -> {
            if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                reached.countDown();
            }
        });
        reached.await(60, TimeUnit.SECONDS);
    }

    /**
     * Waits until ConfigAdmin holds a configuration for every .cfg file in etc/ (FileInstall marks
     * those it made with {@code felix.fileinstall.filename}). ConfigAdmin's classes live in a
     * bundle, so they are reached by reflection through that bundle's class loader.
     */
    private void awaitConfiguration(BundleContext context) throws InterruptedException {
        long expected;
        try (Stream<Path> files = Files.list(instance.etc)) {
            expected = files.filter(f -> f.getFileName().toString().endsWith(".cfg")).count();
        } catch (IOException e) {
            throw new LauncherException("cannot list " + instance.etc + ": " + e.getMessage());
        }
        long deadline = System.currentTimeMillis() + CONFIG_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (fileInstallConfigurations(context) >= expected) {
                return;
            }
            Thread.sleep(50);
        }
        System.err.println("parley: warning: not every file in " + instance.etc + " reached ConfigAdmin within "
                + CONFIG_WAIT_MILLIS / 1000 + " s; starting anyway");
    }

    private static int fileInstallConfigurations(BundleContext context) {
        ServiceReference<?> ref = context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        if (ref == null) {
            return 0;
        }
        Object admin = context.getService(ref);
        try {
            Class<?> adminType = ref.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
            Class<?> configType = ref.getBundle().loadClass("org.osgi.service.cm.Configuration");
            Method list = adminType.getMethod("listConfigurations", String.class);
            Method properties = configType.getMethod("getProperties");
            Object[] configs = (Object[]) list.invoke(admin, "(felix.fileinstall.filename=*)");
            int count = 0;
            if (configs != null) {
                for (Object config : configs) {
                    if (properties.invoke(config) instanceof Dictionary<?, ?>) {
                        count++;
                    }
                }
            }
            return count;
        } catch (ReflectiveOperationException e) {
            throw new LauncherException("cannot read ConfigAdmin: " + e);
        } finally {
            context.ungetService(ref);
        }
    }

    private static void reportBundlesNotActive(BundleContext context) {
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                System.err.println("parley: bundle " + b.getSymbolicName() + " " + b.getVersion() + " is not active (state "
                        + b.getState() + ")");
            }
        }
    }

    /** Stops the framework (every bundle's deactivation runs) and waits for it. */
    void stop() {
        if (framework == null) {
            return;
        }
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } catch (BundleException | InterruptedException e) {
            System.err.println("parley: error while stopping: " + e);
        }
    }

    void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }
}
