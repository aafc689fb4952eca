package org.parley.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClassListener;
import org.osgi.framework.launch.Framework;
import org.parley.launcher.linkfixture.Base;
import org.parley.launcher.linkfixture.Derived;
import org.parley.launcher.linkfixture.Holder;

class ClassDataLinkerTest {
    @TempDir
    Path dir;
    private Framework framework;

    @AfterEach
    void stopFramework() throws Exception {
        if (framework != null) {
            FelixServer.onOwnThread("test-stop", () -> {
                framework.stop();
                framework.waitForStop(10_000);
            });
        }
    }

    /** On a thread of its own too: defining the class reads the manifest again. */
    private static Class<?> load(Bundle bundle, String name) throws Exception {
        AtomicReference<Class<?>> type = new AtomicReference<>();
        FelixServer.onOwnThread("test-load", () -> {
            try {
                type.set(bundle.loadClass(name));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        });
        return type.get();
    }

    /** A bundle holding the fixture's classes (its own copies: it imports nothing). */
    private Path bundleOf(String name, Class<?>... classes) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, name);
        Path jar = dir.resolve(name + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Class<?> type : classes) {
                String entry = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    /**
     * On a thread of its own, as the launcher does: Felix keeps a manifest buffer on the thread
     * that reads a manifest, and FelixServerTest checks that the test thread holds none.
     */
    private Bundle start(ClassDataLinker linker, Path bundleJar) throws Exception {
        AtomicReference<Bundle> bundle = new AtomicReference<>();
        FelixServer.onOwnThread("test-start", () -> {
            framework = new FrameworkFactory().newFramework(Map.of(
                    Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString(),
                    Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
            framework.init();
            linker.register(framework.getBundleContext());
            framework.start();
            bundle.set(framework.getBundleContext().installBundle(bundleJar.toUri().toString()));
        });
        return bundle.get();
    }

    @Test
    void classesTheBundlesDefineAreLinkedWithWhatTheirVerificationLoadsAndNoneIsInitialised() throws Exception {
        ClassDataLinker linker = new ClassDataLinker();
        Bundle bundle = start(linker, bundleOf("fixture", Holder.class, Derived.class, Base.class));

        Class<?> holder = load(bundle, Holder.class.getName());

        Map<String, ClassLoader> recorded = linker.recordedForTest();
        assertSame(holder.getClassLoader(), recorded.get(Holder.class.getName()), "the bundle's own copy, recorded");
        assertFalse(recorded.containsKey(Derived.class.getName()), "loading Holder does not load Derived: " + recorded);

        ClassDataLinker.Outcome outcome = linker.link();

        recorded = linker.recordedForTest();
        // Only verifying Holder.pick() loads Derived and Base: they came from linking Holder.
        assertSame(holder.getClassLoader(), recorded.get(Derived.class.getName()), "verification loaded Derived: " + recorded);
        assertSame(holder.getClassLoader(), recorded.get(Base.class.getName()));
        assertEquals(3, outcome.linked());
        assertEquals(0, outcome.failed());
        assertEquals(2, outcome.rounds(), "Holder, then what its verification loaded");
        assertNull(System.getProperty(Holder.INITIALISED), "linked, not initialised: no static initialiser ran");
        assertEquals(new ClassDataLinker.Outcome(0, 0, 0, 0), withoutTime(linker.link()), "nothing left to link");
    }

    @Test
    void aClassThatCannotBeLinkedIsCountedAndLeftAsItWas() throws Exception {
        ClassDataLinker linker = new ClassDataLinker();
        // Without Derived, verifying Holder.pick() cannot load what it returns.
        Bundle bundle = start(linker, bundleOf("broken", Holder.class, Base.class));
        load(bundle, Holder.class.getName());

        ClassDataLinker.Outcome outcome = linker.link();

        // Holder fails; Base, which the verifier loaded before it missed Derived, links.
        assertEquals(1, outcome.failed());
        assertFalse(linker.recordedForTest().containsKey(Derived.class.getName()));
        assertNull(System.getProperty(Holder.INITIALISED));
    }

    @Test
    void recordingStopsWhenUnregistered() throws Exception {
        ClassDataLinker linker = new ClassDataLinker();
        Bundle bundle = start(linker, bundleOf("late", Holder.class, Derived.class, Base.class));
        var context = framework.getBundleContext();
        assertEquals(1, context.getServiceReferences(WeavingHook.class, null).size());
        assertEquals(1, context.getServiceReferences(WovenClassListener.class, null).size());

        linker.unregister();
        load(bundle, Holder.class.getName());

        assertTrue(context.getServiceReferences(WeavingHook.class, null).isEmpty());
        assertTrue(context.getServiceReferences(WovenClassListener.class, null).isEmpty());
        assertEquals(List.of(), List.copyOf(linker.recordedForTest().keySet()));
        linker.unregister();
    }

    private static ClassDataLinker.Outcome withoutTime(ClassDataLinker.Outcome outcome) {
        return new ClassDataLinker.Outcome(outcome.linked(), outcome.failed(), outcome.rounds(), 0);
    }
}
