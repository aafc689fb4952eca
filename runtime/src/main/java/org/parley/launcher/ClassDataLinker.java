package org.parley.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;
import org.osgi.framework.hooks.weaving.WovenClassListener;

/**
 * Links the bundles' classes before the JVM writes its class-data archive at exit, so that the
 * archive holds them.
 *
 * <p>A run that writes the archive ({@code bin/parley}'s first run, with
 * {@code -XX:ArchiveClassesAtExit}) archives only the classes that are linked when it exits. JDK 17
 * links the built-in class loaders' classes itself before that dump, but not those of other
 * loaders, so every bundle class that was loaded and never linked is skipped ("Not linked" with
 * {@code -Xlog:cds=warning}): about 470 in an idle server, mostly classes loaded only to verify
 * others (H2's commands and expressions behind its parser). Every later start then loads them
 * again from the jars into metaspace. Here they are linked on the way out, while the bundles still
 * run.
 *
 * <p>Felix reports every class a bundle's loader defines to the {@link WovenClassListener}s, but
 * only while a {@link WeavingHook} is registered (SPI Fly registers one; a hook of our own that
 * changes nothing makes sure of it). The classes are held weakly: one that is unloaded (a bundle
 * upgraded) is neither kept nor archived.
 *
 * <p>{@link Class#getFields()} links a class (HotSpot links it before it lists its fields) without
 * initialising it, so no static initialiser runs; it resolves only the types of public fields
 * (few, and mostly loaded already). Linking verifies the class, which may load further classes to
 * check assignments: those are linked in the next round, until a round finds none.
 */
final class ClassDataLinker {
    /** Set by bin/parley on the run that writes the class-data archive at its exit. */
    static final String PROPERTY = "parley.classdata.writing";
    /** Rounds at most: each links what verification loaded in the one before (3-4 are usual). */
    static final int MAX_ROUNDS = 20;

    private final Set<Class<?>> defined = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final Set<Class<?>> linked = Collections.newSetFromMap(new WeakHashMap<>());
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /** Whether this run writes the archive (bin/parley says so), so linking at the stop is worth it. */
    static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** Starts recording the classes the bundles define; called before any bundle is installed. */
    void register(BundleContext framework) {
        WeavingHook unchanged = woven -> { };
        WovenClassListener listener = this::modified;
        registrations.add(framework.registerService(WeavingHook.class, unchanged, null));
        registrations.add(framework.registerService(WovenClassListener.class, listener, null));
    }

    void modified(WovenClass woven) {
        if (woven.getState() == WovenClass.DEFINED) {
            record(woven.getDefinedClass());
        }
    }

    void record(Class<?> type) {
        if (type != null) {
            defined.add(type);
        }
    }

    /** What {@link #link()} did. */
    record Outcome(int linked, int failed, int rounds, long millis) {
    }

    /**
     * Links every recorded class not linked yet, then those that linking loaded, until none is new
     * or {@link #MAX_ROUNDS} have run. A class that cannot be linked (a type missing, a verify
     * error) is counted and left as it was: the dump skips it as before, and it fails where the
     * server would have used it.
     */
    Outcome link() {
        long start = System.nanoTime();
        int done = 0;
        int failed = 0;
        int rounds = 0;
        while (rounds < MAX_ROUNDS) {
            List<Class<?>> round = new ArrayList<>();
            synchronized (defined) {
                for (Class<?> type : defined) {
                    if (!linked.contains(type)) {
                        round.add(type);
                    }
                }
            }
            if (round.isEmpty()) {
                break;
            }
            rounds++;
            for (Class<?> type : round) {
                linked.add(type);
                try {
                    type.getFields();
                    done++;
                } catch (LinkageError | RuntimeException e) {
                    failed++;
                }
            }
        }
        return new Outcome(done, failed, rounds, (System.nanoTime() - start) / 1_000_000);
    }

    /** Stops recording. */
    void unregister() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // The framework stopped first: its registrations went with it.
            }
        }
        registrations.clear();
    }

    /** For tests: the recorded classes, by their name and loader. */
    Map<String, ClassLoader> recordedForTest() {
        Map<String, ClassLoader> result = new HashMap<>();
        synchronized (defined) {
            for (Class<?> type : defined) {
                result.put(type.getName(), type.getClassLoader());
            }
        }
        return result;
    }
}
