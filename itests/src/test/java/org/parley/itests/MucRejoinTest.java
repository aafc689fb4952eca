package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that leaves a temporary room as its last occupant (the room goes away) and joins it
 * again at once, asking for a stream management acknowledgement, gets the new room's
 * self-presence (110, 201) and the acknowledgement promptly, every time. The Smack integration
 * tests' mucLeaveTest (sinttest 4.5.0-beta5) sometimes waited its whole reply timeout for that
 * answer although the server had sent it: Smack's MultiUserChat handles the reflected leave in a
 * listener that calls the synchronized userHasLeft(), the next join() holds that monitor while it
 * waits, and Smack's reader waits for its listeners before reading on, so nothing more is read
 * until join() gives up. This checks the server's side on the wire, without a client library.
 */
class MucRejoinTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(3);
    private static final String MUC = "http://jabber.org/protocol/muc";

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    @Test
    void rejoiningARoomItsLastOccupantJustLeftIsAnsweredAtOnce() throws Exception {
        Account account = server.newAccount("rejoin");
        try (RawXmppClient wire = server.raw()) {
            wire.login(account, "wire", server.sslContext());
            wire.send("<enable xmlns='urn:xmpp:sm:3'/>");
            wire.await(Pattern.compile("<enabled\\b[^>]*urn:xmpp:sm:3"), PROMPTLY);
            wire.send("<presence/>");
            for (int round = 0; round < 25; round++) {
                String occupant = ParleyServer.uniqueLocal("rejoin") + "@" + MucTest.SERVICE + "/nick-one";
                String join = "<presence to='" + occupant + "'><x xmlns='" + MUC + "'/></presence>";
                wire.send(join);
                wire.await(selfPresence(occupant, null), PROMPTLY);
                wire.send("<presence type='unavailable' to='" + occupant + "'/>");
                wire.await(selfPresence(occupant, "unavailable"), PROMPTLY);
                long start = System.nanoTime();
                // As Smack sends them: the join, then a request for an acknowledgement.
                wire.send(join);
                wire.send("<r xmlns='urn:xmpp:sm:3'/>");
                // Both, in whichever order they come.
                wire.await(Pattern.compile("(?=[\\s\\S]*<a\\s+xmlns=['\"]urn:xmpp:sm:3['\"]\\s+h=['\"]\\d+['\"]\\s*/>)"
                        + "(?=[\\s\\S]*<presence\\b[^>]*from=['\"]" + Pattern.quote(occupant) + "['\"](?![^>]*type=)[^>]*>"
                        + "(?:(?!</presence>)[\\s\\S])*<status\\s+code=['\"]201['\"])[\\s\\S]*</presence>"), PROMPTLY);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < PROMPTLY.toMillis(), "round " + round + ": " + millis + " ms");
                wire.send("<presence type='unavailable' to='" + occupant + "'/>");
                wire.await(selfPresence(occupant, "unavailable"), PROMPTLY);
            }
        }
    }

    /** The room's presence for the client itself (status 110), available or of the given type. */
    private static Pattern selfPresence(String occupant, String type) {
        String typeCheck = type == null ? "(?![^>]*type=)" : "(?=[^>]*type=['\"]" + type + "['\"])";
        return Pattern.compile("<presence\\b" + typeCheck + "[^>]*from=['\"]" + Pattern.quote(occupant) + "['\"][^>]*>"
                + "(?:(?!</presence>)[\\s\\S])*<status\\s+code=['\"]110['\"]");
    }
}
