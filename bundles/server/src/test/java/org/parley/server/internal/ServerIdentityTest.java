package org.parley.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;

class ServerIdentityTest {
    static ServerConfig domain(String d) {
        return new ServerConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ServerConfig.class;
            }

            @Override
            public String domain() {
                return d;
            }
        };
    }

    @Test
    void theDomainIsPreparedOnce() {
        ServerIdentity server = new ServerIdentity("1.2.3", "Example.EDU.");
        assertEquals("example.edu", server.domain().toString());
        assertEquals("1.2.3", server.version());
    }

    @Test
    void anInvalidDomainAtStartNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ServerIdentity("1", "a b"));
        assertTrue(e.getMessage().contains("key 'domain'"), e.getMessage());
    }

    @Test
    void anInvalidChangeKeepsTheDomainAndAValidOneApplies() {
        ServerIdentity server = new ServerIdentity("1", "example.edu");
        server.modified(domain("bad@domain"));
        assertEquals("example.edu", server.domain().toString());
        server.modified(domain("chat.example.edu"));
        assertEquals("chat.example.edu", server.domain().toString());
    }
}
