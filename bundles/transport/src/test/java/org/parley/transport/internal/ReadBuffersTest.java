package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.buffer.IoBufferAllocator;
import org.apache.mina.core.buffer.SimpleBufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pooled allocator is MINA's, process-wide: what the transport found is put back when it stops. */
class ReadBuffersTest {
    private final IoBufferAllocator before = IoBuffer.getAllocator();

    @AfterEach
    void restore() {
        ReadBuffers.uninstall();
        IoBuffer.setAllocator(before);
    }

    @Test
    void theAllocatorFoundIsPutBackWhenTheTransportStops() {
        IoBufferAllocator found = new SimpleBufferAllocator();
        IoBuffer.setAllocator(found);
        ReadBuffers.install();
        IoBufferAllocator pooling = IoBuffer.getAllocator();
        assertNotSame(found, pooling);
        ReadBuffers.install(); // a second start changes nothing
        assertSame(pooling, IoBuffer.getAllocator());
        ReadBuffers.uninstall();
        assertSame(found, IoBuffer.getAllocator());
    }

    @Test
    void aFreedAllocationIsReusedOnItsThread() {
        ReadBuffers.install();
        IoBuffer read = IoBuffer.allocate(2048);
        byte[] array = read.array();
        read.free();
        assertSame(array, IoBuffer.allocate(2048).array());
    }

    @Test
    void aWrappedArrayIsNeverPooledEvenWhenMinaFreesItAfterWritingIt() {
        // MINA frees what it has written; a written array may be shared by several sessions
        ReadBuffers.install();
        byte[] shared = new byte[2048];
        IoBuffer.wrap(shared).free();
        IoBuffer next = IoBuffer.allocate(2048);
        assertNotSame(shared, next.array());
    }

    @Test
    void anAllocatorSomeoneElseInstalledMeanwhileIsLeftInPlace() {
        ReadBuffers.install();
        IoBufferAllocator theirs = new SimpleBufferAllocator();
        IoBuffer.setAllocator(theirs);
        ReadBuffers.uninstall();
        assertSame(theirs, IoBuffer.getAllocator());
    }
}
