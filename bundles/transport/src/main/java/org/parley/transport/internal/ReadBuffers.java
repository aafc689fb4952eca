package org.parley.transport.internal;

import java.nio.ByteBuffer;
import org.apache.mina.core.buffer.CachedBufferAllocator;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.buffer.IoBufferAllocator;
import org.apache.mina.core.buffer.SimpleBufferAllocator;

/**
 * MINA allocates a new buffer for every socket read (up to 64 KiB) and leaves it to the garbage
 * collector: during a flood of large messages that was 40 % of everything the server allocated,
 * once the TLS filter stopped copying (issue 8). MINA's own {@link CachedBufferAllocator} keeps
 * freed buffers in per-thread pools and gives them to the next allocation of that size on that
 * thread; the TLS filter frees each read once it has decrypted it, so an I/O thread reads into the
 * same buffer again. A buffer nobody frees is collected as before, and one freed on another
 * thread than the one that allocated it is not pooled (MINA checks).
 *
 * <p>Only buffers MINA allocated are pooled, never wrapped arrays: MINA frees every buffer it has
 * written, and a written array may be shared (one serialized copy sent to a whole room, a
 * constant); pooled, the next read on that thread would overwrite it.
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
        installed = new PooledAllocations();
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

    /** Allocations from per-thread pools; wrapped arrays in buffers whose free() does nothing. */
    private static final class PooledAllocations implements IoBufferAllocator {
        private final CachedBufferAllocator pooled = new CachedBufferAllocator(POOLED_PER_SIZE, LARGEST_POOLED);
        private final SimpleBufferAllocator unpooled = new SimpleBufferAllocator();

        @Override
        public IoBuffer allocate(int capacity, boolean direct) {
            return pooled.allocate(capacity, direct);
        }

        @Override
        public ByteBuffer allocateNioBuffer(int capacity, boolean direct) {
            return pooled.allocateNioBuffer(capacity, direct);
        }

        @Override
        public IoBuffer wrap(ByteBuffer nioBuffer) {
            return unpooled.wrap(nioBuffer);
        }

        @Override
        public void dispose() {
            pooled.dispose();
        }
    }
}
