package org.parley.transport.internal;

import org.apache.mina.core.buffer.CachedBufferAllocator;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.buffer.IoBufferAllocator;

/**
 * MINA allocates a new buffer for every socket read (up to 64 KiB) and leaves it to the garbage
 * collector: during a flood of large messages that was 40 % of everything the server allocated,
 * once the TLS filter stopped copying (issue 8). MINA's own {@link CachedBufferAllocator} keeps
 * freed buffers in per-thread pools and gives them to the next allocation of that size on that
 * thread; the TLS filter frees each read once it has decrypted it, so an I/O thread reads into the
 * same buffer again. A buffer nobody frees is collected as before, and one freed on another
 * thread than the one that allocated it is not pooled (MINA checks).
 *
 * <p>The allocator is MINA's and process-wide: installed while the client transport runs, and the
 * one before it put back when it stops, unless another has replaced it meanwhile.
 */
final class ReadBuffers {
    /** A thread frees a read before it makes the next, so one buffer of a size is enough; two for slack. */
    private static final int POOLED_PER_SIZE = 2;
    /** MINA's largest read buffer (its default maximum). */
    private static final int LARGEST_POOLED = 64 * 1024;

    private static IoBufferAllocator replaced;
    private static IoBufferAllocator installed;

    private ReadBuffers() {
    }

    static synchronized void install() {
        if (installed != null) {
            return;
        }
        replaced = IoBuffer.getAllocator();
        installed = new CachedBufferAllocator(POOLED_PER_SIZE, LARGEST_POOLED);
        IoBuffer.setAllocator(installed);
    }

    static synchronized void uninstall() {
        if (installed == null) {
            return;
        }
        if (IoBuffer.getAllocator() == installed) {
            IoBuffer.setAllocator(replaced);
        }
        installed = null;
        replaced = null;
    }
}
