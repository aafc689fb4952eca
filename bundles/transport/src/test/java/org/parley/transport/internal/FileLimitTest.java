package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;

class FileLimitTest {
    @Test
    void warnsOnlyWhenTheFileLimitCannotHoldMaxConnectionsAndTheServersOwnFiles() {
        TransportConfig wants18k = config(18_000);
        assertTrue(ClientTransport.warnIfFileLimitTooLow(wants18k, 1024), "the usual default of 1024");
        assertTrue(ClientTransport.warnIfFileLimitTooLow(wants18k, 18_000), "no room for the server's own files");
        assertFalse(ClientTransport.warnIfFileLimitTooLow(wants18k, 18_000 + FileLimit.RESERVED));
        assertFalse(ClientTransport.warnIfFileLimitTooLow(wants18k, -1), "unknown (not a Unix): nothing to say");
    }

    @Test
    void readsThisProcesssLimit() {
        assertTrue(FileLimit.current() > 0, "the build runs on a Unix");
    }

    private static TransportConfig config(int maxConnections) {
        return new TransportConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TransportConfig.class;
            }

            @Override
            public String bindAddress() {
                return "127.0.0.1";
            }

            @Override
            public int c2sPort() {
                return 5222;
            }

            @Override
            public int c2sTlsPort() {
                return 5223;
            }

            @Override
            public int maxStanzaBytes() {
                return 262_144;
            }

            @Override
            public int maxConnectionsPerAddress() {
                return 50;
            }

            @Override
            public int maxConnections() {
                return maxConnections;
            }

            @Override
            public int idleTimeoutSeconds() {
                return 300;
            }
        };
    }
}
