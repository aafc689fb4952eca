package org.parley.mailtoim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallersTest {
    private static String hash(String token) {
        return HexFormat.of().formatHex(Callers.sha256(token));
    }

    @Test
    void eachSystemIsKnownByItsOwnToken_andNoOtherStringWorks() {
        Callers callers = Callers.parse("relay:" + hash("s3cret-relay") + ", sieve:" + hash("sieve-token").toUpperCase());
        assertEquals(2, callers.size());
        assertEquals("relay", callers.identify("s3cret-relay"));
        assertEquals("sieve", callers.identify("sieve-token"), "upper-case hex is the same hash");
        assertNull(callers.identify("s3cret-relay "));
        assertNull(callers.identify(hash("s3cret-relay")), "the hash itself is not a token");
        assertNull(callers.identify(""));
        assertNull(callers.identify(null));
        assertEquals(0, Callers.parse("  ").size());
    }

    @Test
    void aWrongEntryIsRefusedNamingTheKeyAndTheEntry() {
        for (String bad : new String[] {"relay", "relay:tooshort", "re lay:" + hash("x"), "relay:" + hash("x") + ",relay:" + hash("y"),
                "relay:the-token-itself-not-its-hash-0000000000000000000000000000000000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Callers.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("key 'tokens'"), e.getMessage());
        }
    }

    @Test
    void aBurstIsAllowed_thenTheAllowanceRefillsOverTheMinute() {
        AtomicLong now = new AtomicLong();
        RateLimits limits = new RateLimits(now::get);
        for (int i = 0; i < 6; i++) {
            assertTrue(limits.take("user alice", 6));
        }
        assertTrue(!limits.take("user alice", 6), "the seventh in the same instant");
        assertTrue(limits.take("user bob", 6), "bob has his own");
        now.addAndGet(10_000_000_000L);
        assertTrue(limits.take("user alice", 6), "one back after ten seconds");
        assertTrue(!limits.take("user alice", 6));
    }

    @Test
    void jsonStringsAreEscaped() {
        assertEquals("\"a \\\"b\\\" \\\\ \\u000a\"", MailArrivedServlet.json("a \"b\" \\ \n"));
    }
}
