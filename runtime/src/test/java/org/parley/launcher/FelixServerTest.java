package org.parley.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.ref.SoftReference;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.felix.framework.cache.BundleCache;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleException;

class FelixServerTest {
    /** A manifest the size of Bouncy Castle's signed bcprov (one digest entry per class). */
    private static byte[] largeManifest() {
        StringBuilder manifest = new StringBuilder("Manifest-Version: 1.0\r\nBundle-SymbolicName: big\r\n\r\n");
        for (int i = 0; manifest.length() < 900_000; i++) {
            manifest.append("Name: org/example/C").append(i).append(".class\r\nSHA-256-Digest: ")
                    .append("A".repeat(44)).append("\r\n\r\n");
        }
        return manifest.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] felixBufferOfThisThread() throws ReflectiveOperationException {
        Field field = BundleCache.class.getDeclaredField("m_defaultBuffer");
        field.setAccessible(true);
        SoftReference<?> buffer = (SoftReference<?>) ((ThreadLocal<?>) field.get(null)).get();
        return buffer == null ? null : (byte[]) buffer.get();
    }

    private static void readManifest(byte[] manifest) throws Exception {
        Map<String, Object> headers = BundleCache.getMainAttributes(new HashMap<>(),
                new ByteArrayInputStream(manifest), manifest.length);
        assertEquals("big", headers.get("Bundle-SymbolicName"));
    }

    @Test
    void felixKeepsAManifestSizedBufferOnTheThreadThatReadsIt() throws Exception {
        byte[] manifest = largeManifest();
        Thread reader = new Thread(() -> {
            try {
                readManifest(manifest);
                byte[] buffer = felixBufferOfThisThread();
                assertNotNull(buffer);
                assertTrue(buffer.length > manifest.length, "buffer of " + buffer.length);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        reader.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        reader.start();
        reader.join();
        assertNull(failure.get());
    }

    @Test
    void whatTheStartLeavesInThreadLocalsIsNotKeptByTheCaller() throws Exception {
        byte[] manifest = largeManifest();
        AtomicReference<Thread> ranOn = new AtomicReference<>();

        FelixServer.onOwnThread("test-start", () -> {
            ranOn.set(Thread.currentThread());
            try {
                readManifest(manifest);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertNotEquals(Thread.currentThread(), ranOn.get());
        assertEquals("test-start", ranOn.get().getName());
        assertTrue(!ranOn.get().isAlive(), "the start thread has ended");
        assertNull(felixBufferOfThisThread(), "no Felix buffer on the calling thread");
    }

    @Test
    void whatTheStartThrowsIsThrownToTheCaller() {
        BundleException bundle = new BundleException("cannot resolve");
        assertSame(bundle, assertThrows(BundleException.class, () -> FelixServer.onOwnThread("t", () -> {
            throw bundle;
        })));
        IllegalStateException runtime = new IllegalStateException("broken");
        assertSame(runtime, assertThrows(IllegalStateException.class, () -> FelixServer.onOwnThread("t", () -> {
            throw runtime;
        })));
        InterruptedException interrupted = new InterruptedException();
        assertSame(interrupted, assertThrows(InterruptedException.class, () -> FelixServer.onOwnThread("t", () -> {
            throw interrupted;
        })));
        LauncherException launcher = new LauncherException("no OSGi framework on the class path");
        assertSame(launcher, assertThrows(LauncherException.class, () -> FelixServer.onOwnThread("t", () -> {
            throw launcher;
        })));
    }
}
