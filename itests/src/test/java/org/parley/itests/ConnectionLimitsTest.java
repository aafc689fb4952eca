package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transport's protections: connections per address, and idle connections. */
class ConnectionLimitsTest {
    static final int MAX_PER_ADDRESS = 5;
    static final int IDLE_SECONDS = 10;

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .transport("maxConnectionsPerAddress", MAX_PER_ADDRESS)
            .transport("idleTimeoutSeconds", IDLE_SECONDS)
            .build();

    @Test
    void connectionBeyondTheLimitPerAddressIsClosedAtOnceWhileTheFirstOnesWork() throws Exception {
        List<RawXmppClient> allowed = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_ADDRESS; i++) {
                RawXmppClient c = server.raw();
                allowed.add(c);
                c.openStream();
            }

            try (RawXmppClient extra = server.raw()) {
                extra.sendAllowingClose(RawXmppClient.streamHeader(ParleyServer.DOMAIN));
                assertTrue(extra.awaitClose(Duration.ofSeconds(3)), () -> "connection " + (MAX_PER_ADDRESS + 1)
                        + " from one address was not closed\n" + extra.transcript());
                assertFalse(extra.received().contains("<stream:features"), extra::transcript);
            }

            for (RawXmppClient c : allowed) {
                c.startTls(server.sslContext());
                assertTrue(c.openStream().contains("<mechanisms"), c::transcript);
            }

            // Closing one frees its slot.
            allowed.remove(0).close();
            assertTrue(server.aNewConnectionGetsFeaturesWithin(Duration.ofSeconds(5)), "no slot was freed by closing a connection");
        } finally {
            allowed.forEach(RawXmppClient::close);
        }
    }

    /**
     * The same refusal over and over (a host reconnecting in a loop) is logged five times, then
     * counted: the shipped logback.xml rate-limits identical lines from any source, so a loop
     * anywhere in the server cannot fill the disk.
     */
    @Test
    void identicalLogLinesArePassedFiveTimesThenCountedInOneLine() throws Exception {
        List<RawXmppClient> allowed = new ArrayList<>();
        long logBefore = server.logSize();
        int refused = 30;
        try {
            for (int i = 0; i < MAX_PER_ADDRESS; i++) {
                RawXmppClient c = server.raw();
                allowed.add(c);
                c.openStream();
            }
            for (int i = 0; i < refused; i++) {
                try (RawXmppClient extra = server.raw()) {
                    assertTrue(extra.awaitClose(Duration.ofSeconds(3)), extra::transcript);
                }
            }
            String line = "Refusing a connection from /127.0.0.1: " + MAX_PER_ADDRESS + " connections from that address are open";
            server.awaitLog(logBefore, "Dropped " + (refused - 5) + " more copies of this line in 10 s: " + line, Duration.ofSeconds(20));
            String log = server.logSince(logBefore);
            assertEquals(5 + 1, log.split(Pattern.quote(line), -1).length - 1, "five copies, and the count names it once:\n" + log);
        } finally {
            allowed.forEach(RawXmppClient::close);
        }
    }

    @Test
    void idleConnectionIsClosedWithConnectionTimeout() throws Exception {
        try (RawXmppClient idle = server.raw()) {
            idle.openStream();
            long lastSent = System.nanoTime();

            idle.assertStreamErrorAndClose("connection-timeout", Duration.ofSeconds(IDLE_SECONDS + 10));

            double seconds = (System.nanoTime() - lastSent) / 1e9;
            assertTrue(seconds >= IDLE_SECONDS - 1 && seconds <= IDLE_SECONDS + 5,
                    "closed after " + seconds + " s with idleTimeoutSeconds=" + IDLE_SECONDS);
        }
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedInsteadOfBufferedWithoutBound() throws Exception {
        long logBefore = server.logSize();
        try (RawXmppClient stalled = server.rawLoggedIn(64 * 1024); RawXmppClient sender = server.rawLoggedIn()) {
            String stalledJid = stalled.received().replaceAll("(?s).*<jid>([^<]+)</jid>.*", "$1");
            // The stalled client reads nothing from here on. Headlines are never bounced, so the
            // sender's own queue stays empty. 240 x 100 KB is well past what the kernel buffers
            // (the stalled side's receive buffer is fixed small, no autotuning) plus the 8 MiB of
            // TLS records the server queues before it gives up (MAX_QUEUED_BYTES).
            String headline = "<message type='headline' to='" + stalledJid + "'><body>" + "x".repeat(100_000) + "</body></message>";
            for (int i = 0; i < 240 && !server.logSince(logBefore).contains("stopped reading"); i++) {
                sender.send(headline);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!server.logSince(logBefore).contains("stopped reading") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(server.logSince(logBefore).contains("stopped reading"), server.logSince(logBefore));
            assertTrue(stalled.awaitClose(Duration.ofSeconds(5)), "the stalled connection was closed");
            sender.send("<iq type='get' id='alive' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            sender.await(Pattern.compile("id='alive'"), Duration.ofSeconds(5));
        }
    }
}
