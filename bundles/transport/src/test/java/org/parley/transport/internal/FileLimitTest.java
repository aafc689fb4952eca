package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void maxConnectionsZeroIsTheFileLimitLessTheServersOwnFiles() {
        assertEquals(20_000 - FileLimit.RESERVED, ClientTransport.fromFileLimit(20_000));
        assertEquals(1024 - FileLimit.RESERVED, ClientTransport.fromFileLimit(1024));
        assertEquals(1, ClientTransport.fromFileLimit(100), "a limit below the server's own needs still lets one in");
        assertEquals(ClientTransport.UNKNOWN_FILE_LIMIT_CONNECTIONS, ClientTransport.fromFileLimit(-1));
        assertEquals(Integer.MAX_VALUE, ClientTransport.fromFileLimit(Long.MAX_VALUE));
        assertFalse(ClientTransport.warnIfFileLimitTooLow(ClientTransport.fromFileLimit(20_000), 20_000),
                "the derived value never draws the warning");
    }

    @Test
    void readsThisProcesssLimit() {
        assertTrue(FileLimit.current() > 0, "the build runs on a Unix");
    }
}
