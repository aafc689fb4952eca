package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FileLimitTest {
    @Test
    void warnsOnlyWhenTheFileLimitCannotHoldMaxConnectionsAndTheServersOwnFiles() {
        int maxConnections = 18_000;
        assertTrue(ClientTransport.warnIfFileLimitTooLow(maxConnections, 1024), "the usual default of 1024");
        assertTrue(ClientTransport.warnIfFileLimitTooLow(maxConnections, 18_000), "no room for the server's own files");
        assertFalse(ClientTransport.warnIfFileLimitTooLow(maxConnections, 18_000 + FileLimit.RESERVED));
        assertFalse(ClientTransport.warnIfFileLimitTooLow(maxConnections, -1), "unknown (not a Unix): nothing to say");
    }

    @Test
    void readsThisProcesssLimit() {
        assertTrue(FileLimit.current() > 0, "the build runs on a Unix");
    }
}
