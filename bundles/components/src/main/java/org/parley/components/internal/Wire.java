package org.parley.components.internal;

import java.net.InetSocketAddress;

/** One component connection's socket, as {@link ComponentStream} uses it. Writes never block and keep call order. */
interface Wire {
    void write(byte[] bytes);

    /** Closes once what was written has gone out. */
    void closeAfterWrites();

    /** Stops reading until {@link #resumeReading}: TCP then slows the sender. */
    void suspendReading();

    void resumeReading();

    InetSocketAddress remote();

    /** Bytes written and not yet taken by the peer's TCP stack. */
    long pendingWriteBytes();
}
