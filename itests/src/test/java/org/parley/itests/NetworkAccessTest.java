package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client access by network (CIDR allow and deny ranges in org.parley.session.cfg), applied live:
 * a client connecting from 127.0.0.2 (a socket bound to that loopback address) against one from
 * 127.0.0.1. A refused client gets policy-violation at its first stream header, before TLS (on the
 * direct TLS port, after the handshake), or with {@code networkRefusal = close} is closed as soon
 * as it is accepted; the refusal is logged once per address and interval.
 */
class NetworkAccessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String OUTSIDE = "127.0.0.2";

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    private static Path sessionCfg() {
        return server.base().resolve("etc/" + "org.parley.session.cfg");
    }

    private static void rules(String allow, String deny, String expectedLog) throws Exception {
        long offset = server.logSize();
        ParleyServer.writeProperties(sessionCfg(), Map.of("allowNetworks", allow, "denyNetworks", deny));
        server.awaitLog(offset, expectedLog, WAIT);
    }

    @AfterEach
    void open() throws Exception {
        long offset = server.logSize();
        ParleyServer.writeProperties(sessionCfg(), Map.of("allowNetworks", "", "denyNetworks", "",
                "networkRefusal", "stream-error"));
        server.awaitLog(offset, "Client access: allowed networks all, denied networks none, refused clients get policy-violation",
                WAIT);
    }

    private static XMPPTCPConnection loginFrom(String local, Account account) throws Exception {
        return server.login(server.smackConfig(account, "net").setSocketFactory(new LocalAddressSocketFactory(local)).build());
    }

    /** A raw client from {@code local}: sends its stream header and expects policy-violation, no features. */
    private static void refusedFrom(String local) throws Exception {
        try (RawXmppClient c = server.track(RawXmppClient.connectFrom(local, server.c2sPort()))) {
            c.send(RawXmppClient.streamHeader(ParleyServer.DOMAIN));
            String error = c.assertStreamErrorAndClose("policy-violation", WAIT);
            assertFalse(c.received().contains("<stream:features"), "features for a refused client: " + c.transcript());
            assertFalse(c.received().contains("starttls"), c.transcript());
            assertTrue(error.contains("not allowed") || error.contains("allowed only"), error);
        }
    }

    @Test
    void aDeniedRangeIsRefusedBeforeTlsWhileOthersSignIn() throws Exception {
        Account alice = server.newAccount("net");
        XMPPTCPConnection before = loginFrom(OUTSIDE, alice);
        rules("", "127.0.0.2/32", "denied networks [127.0.0.2/32]");
        refusedFrom(OUTSIDE);
        XMPPTCPConnection inside = server.login(alice);
        Xmpp.pingServer(inside);
        // A session that was open before the rule stays: the rule applies to new connections.
        Xmpp.pingServer(before);
        assertTrue(before.isAuthenticated());
    }

    @Test
    void onlyTheAllowedRangeMayConnectAndDenyWinsOverAllow() throws Exception {
        Account bob = server.newAccount("net");
        rules("127.0.0.1", "", "allowed networks [127.0.0.1/32]");
        refusedFrom(OUTSIDE);
        Xmpp.pingServer(server.login(bob));

        rules("127.0.0.0/8", "127.0.0.2", "allowed networks [127.0.0.0/8], denied networks [127.0.0.2/32]");
        refusedFrom(OUTSIDE);
        Xmpp.pingServer(server.login(bob));

        rules("127.0.0.0/8", "", "allowed networks [127.0.0.0/8], denied networks none");
        XMPPTCPConnection outside = loginFrom(OUTSIDE, bob);
        Xmpp.pingServer(outside);
    }

    @Test
    void onTheDirectTlsPortARefusedClientGetsPolicyViolationAfterTheHandshake() throws Exception {
        rules("", "127.0.0.2", "denied networks [127.0.0.2/32]");
        try (RawXmppClient c = server.track(RawXmppClient.connectDirectTlsFrom(OUTSIDE, server.c2sTlsPort(),
                server.sslContext()))) {
            c.send(RawXmppClient.streamHeader(ParleyServer.DOMAIN));
            String error = c.assertStreamErrorAndClose("policy-violation", WAIT);
            assertFalse(c.received().contains("<stream:features"), "features for a refused client: " + c.transcript());
            assertTrue(error.contains("not allowed"), error);
        }
        Xmpp.pingServer(server.login(server.newAccount("net")));
    }

    @Test
    void withNetworkRefusalCloseARefusedClientIsClosedBeforeAnyByteOnEitherPort() throws Exception {
        long offset = server.logSize();
        ParleyServer.writeProperties(sessionCfg(), Map.of("allowNetworks", "", "denyNetworks", "127.0.0.2",
                "networkRefusal", "close"));
        server.awaitLog(offset, "denied networks [127.0.0.2/32], refused clients closed at once", WAIT);

        try (Socket plain = new Socket()) {
            plain.bind(new InetSocketAddress(OUTSIDE, 0));
            plain.connect(new InetSocketAddress("127.0.0.1", server.c2sPort()), 5000);
            plain.setSoTimeout((int) WAIT.toMillis());
            int first;
            try {
                plain.getOutputStream().write(RawXmppClient.streamHeader(ParleyServer.DOMAIN).getBytes(StandardCharsets.UTF_8));
                first = plain.getInputStream().read();
            } catch (SocketException reset) {
                first = -1; // closed before or while the header was written: a reset, still not a byte
            }
            assertEquals(-1, first, "the STARTTLS port answered a refused client");
        }
        try (Socket plain = new Socket()) {
            plain.bind(new InetSocketAddress(OUTSIDE, 0));
            plain.connect(new InetSocketAddress("127.0.0.1", server.c2sTlsPort()), 5000);
            plain.setSoTimeout((int) WAIT.toMillis());
            SSLSocket tls = (SSLSocket) server.sslContext().getSocketFactory().createSocket(plain, ParleyServer.DOMAIN,
                    server.c2sTlsPort(), true);
            assertThrows(IOException.class, tls::startHandshake, "a TLS handshake with a refused client");
        }
        server.awaitLog(offset, "Refused a client connection from 127.0.0.2", WAIT);
        assertTrue(server.logSince(offset).contains("are not allowed here (connection closed)"), server.logSince(offset));
        // Everyone else signs in as before.
        Xmpp.pingServer(server.login(server.newAccount("net")));
    }

    @Test
    void anInvalidRangeIsLoggedWithItsKeyAndTheRulesInForceStay() throws Exception {
        rules("", "127.0.0.2", "denied networks [127.0.0.2/32]");
        long offset = server.logSize();
        ParleyServer.writeProperties(sessionCfg(), Map.of("denyNetworks", "127.0.0.300"));
        server.awaitLog(offset, "key 'denyNetworks': '127.0.0.300'", WAIT);
        assertTrue(server.logSince(offset).contains("the previous client access rules stay in force"), server.logSince(offset));
        refusedFrom(OUTSIDE);
    }

    @Test
    void refusalsOfOneAddressAreLoggedOncePerInterval() throws Exception {
        rules("", "127.0.0.2", "denied networks [127.0.0.2/32]");
        long offset = server.logSize();
        for (int i = 0; i < 6; i++) {
            refusedFrom(OUTSIDE);
        }
        server.awaitLog(offset, "Refused a client connection from 127.0.0.2", WAIT);
        long lines = Pattern.compile("Refused a client connection from 127\\.0\\.0\\.2").matcher(server.logSince(offset))
                .results().count();
        assertEquals(1, lines, "six refusals, one log line (default refusalLogSeconds 300):\n" + server.logSince(offset));
    }
}
