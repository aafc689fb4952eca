package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.EntityFullJid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many TLS sessions at once, through both TLS paths (STARTTLS and direct TLS), all sending at
 * the same time: the TLS layer must neither deadlock nor lose a stanza under concurrent load.
 */
class ConcurrentTlsSessionsTest {
    static final int CLIENTS = 200;
    static final int MESSAGES_EACH = 10;
    /** Bodies of about 1 KB, so that TLS records and MINA buffers fill, not just single small writes. */
    static final String PADDING = " " + "p".repeat(1000);
    static final long LOGIN_SECONDS = 60;
    static final long DELIVERY_SECONDS = 30;

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().transport("maxConnectionsPerAddress", CLIENTS + 50).build();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void twoHundredTlsSessionsOnBothPortsExchangeMessagesConcurrently() throws Exception {
        List<Account> accounts = server.newAccounts("load", CLIENTS);
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            long started = System.nanoTime();
            List<Future<XMPPTCPConnection>> logins = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Account a = accounts.get(i);
                boolean direct = i % 2 == 1;
                logins.add(pool.submit(() -> {
                    XMPPTCPConnectionConfiguration config = direct
                            ? server.smackDirectTlsConfig(a, "load").build()
                            : server.smackConfig(a, "load").build();
                    XMPPTCPConnection c = server.login(config);
                    c.addConnectionListener(new ConnectionListener() {
                        @Override
                        public void connectionClosedOnError(Exception e) {
                            errors.add(a.jid() + " closed on error: " + e);
                        }
                    });
                    return c;
                }));
            }
            List<XMPPTCPConnection> connections = new ArrayList<>();
            long loginDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOGIN_SECONDS);
            for (Future<XMPPTCPConnection> f : logins) {
                connections.add(f.get(Math.max(1, loginDeadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            long loggedIn = System.nanoTime();
            for (XMPPTCPConnection c : connections) {
                assertTrue(c.isAuthenticated() && c.isSecureConnection(), c.toString());
            }

            Map<String, EntityFullJid> undelivered = new ConcurrentHashMap<>();
            CountDownLatch delivered = new CountDownLatch(CLIENTS * MESSAGES_EACH);
            for (XMPPTCPConnection c : connections) {
                EntityFullJid me = c.getUser();
                c.addSyncStanzaListener(stanza -> {
                    Message m = (Message) stanza;
                    EntityFullJid meant = undelivered.remove(m.getBody());
                    if (me.equals(meant)) {
                        delivered.countDown();
                    } else {
                        errors.add(me + " received '" + m.getBody() + "' meant for " + meant);
                    }
                }, MessageWithBodiesFilter.INSTANCE);
            }
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                XMPPTCPConnection sender = connections.get(i);
                int index = i;
                sends.add(pool.submit(() -> {
                    for (int k = 0; k < MESSAGES_EACH; k++) {
                        XMPPTCPConnection recipient = connections.get((index + 1 + k * 37) % CLIENTS);
                        String body = "m-" + index + "-" + k + PADDING;
                        undelivered.put(body, recipient.getUser());
                        sender.sendStanza(Xmpp.chat(sender, recipient.getUser(), body));
                    }
                    return null;
                }));
            }
            for (Future<?> f : sends) {
                f.get(DELIVERY_SECONDS, TimeUnit.SECONDS);
            }
            boolean all = delivered.await(DELIVERY_SECONDS, TimeUnit.SECONDS);
            long deliveredAt = System.nanoTime();
            assertTrue(all, () -> delivered.getCount() + " of " + CLIENTS * MESSAGES_EACH + " messages not delivered within "
                    + DELIVERY_SECONDS + " s, e.g. " + undelivered.entrySet().stream().limit(5).toList()
                    + "; errors: " + errors.stream().limit(5).toList());

            List<Future<?>> closes = new ArrayList<>();
            for (XMPPTCPConnection c : connections) {
                closes.add(pool.submit(() -> {
                    c.disconnect();
                    server.forget(c);
                }));
            }
            for (Future<?> f : closes) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertTrue(errors.isEmpty(), () -> errors.size() + " errors, first: " + errors.stream().limit(5).toList());
            System.out.printf("%d TLS sessions (half STARTTLS, half direct TLS): logged in after %d ms,"
                    + " %d messages delivered %d ms later%n", CLIENTS, (loggedIn - started) / 1_000_000,
                    CLIENTS * MESSAGES_EACH, (deliveredAt - loggedIn) / 1_000_000);
        } finally {
            pool.shutdownNow();
        }

        XMPPTCPConnection after = server.login(server.newAccount("after-load"));
        assertTrue(after.isAuthenticated());
        assertEquals(org.jivesoftware.smack.packet.IQ.Type.result, Xmpp.pingServer(after).getType());
    }
    /**
     * Large messages of mixed one- to four-byte characters from two senders at once (STARTTLS and
     * direct TLS) to one reader: every body arrives byte for byte, in order. Such messages span
     * several TLS records, and a socket read ends anywhere inside a record or a character: the
     * decrypted bytes go up in the I/O thread's own buffer and the read buffers are pooled per
     * thread, so a mix-up between reads or sessions would show here as a changed body.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void largeMultibyteMessagesArriveByteForByteOverBothTlsPaths() throws Exception {
        List<Account> accounts = server.newAccounts("large", 3);
        XMPPTCPConnection reader = server.login(server.smackConfig(accounts.get(0), "reader").build());
        XMPPTCPConnection viaStartTls = server.login(server.smackConfig(accounts.get(1), "s").build());
        XMPPTCPConnection viaDirectTls = server.login(server.smackDirectTlsConfig(accounts.get(2), "d").build());
        int each = 40;
        Map<String, List<String>> received = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(2 * each);
        reader.addSyncStanzaListener(stanza -> {
            received.computeIfAbsent(stanza.getFrom().toString(), k -> new ArrayList<>()).add(((Message) stanza).getBody());
            all.countDown();
        }, MessageWithBodiesFilter.INSTANCE);
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (XMPPTCPConnection sender : List.of(viaStartTls, viaDirectTls)) {
                sends.add(senders.submit(() -> {
                    for (int k = 0; k < each; k++) {
                        sender.sendStanza(Xmpp.chat(sender, reader.getUser(), largeBody(sender.getUser().toString(), k)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : sends) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertTrue(all.await(60, TimeUnit.SECONDS), () -> all.getCount() + " of " + 2 * each + " not delivered");
        } finally {
            senders.shutdownNow();
        }
        for (XMPPTCPConnection sender : List.of(viaStartTls, viaDirectTls)) {
            String from = sender.getUser().toString();
            List<String> bodies = received.get(from);
            assertEquals(each, bodies.size(), from);
            for (int k = 0; k < each; k++) {
                int index = k;
                String expected = largeBody(from, k);
                String actual = bodies.get(k);
                assertTrue(expected.equals(actual), () -> from + "'s message " + index + " differs: "
                        + actual.length() + " characters against " + expected.length());
            }
        }
        for (XMPPTCPConnection c : List.of(reader, viaStartTls, viaDirectTls)) {
            c.disconnect();
            server.forget(c);
        }
    }

    /** 8 to 100 KB of text cycling through one-, two-, three- and four-byte UTF-8 characters. */
    private static String largeBody(String sender, int k) {
        String[] pieces = {"plain ascii text ", "\u00e9t\u00e9 ", "\u6f22\u5b57 ", "\ud83d\ude00 "};
        StringBuilder body = new StringBuilder(sender).append(' ').append(k).append(' ');
        int target = 8_000 + (k * 7_919) % 92_000;
        for (int i = 0; body.length() < target; i++) {
            body.append(pieces[(i + k) % pieces.length]);
        }
        return body.toString();
    }
}
