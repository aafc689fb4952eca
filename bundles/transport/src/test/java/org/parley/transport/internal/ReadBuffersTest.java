package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.mina.core.buffer.CachedBufferAllocator;
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
        assertInstanceOf(CachedBufferAllocator.class, IoBuffer.getAllocator());
        ReadBuffers.install(); // a second start changes nothing
        ReadBuffers.uninstall();
        assertSame(found, IoBuffer.getAllocator());
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
