package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0114 external components against the real server: the repository's example component
 * (Python, slixmpp) connects, receives what a Smack user sends it and sends to that user; the
 * refusals (wrong secret, unknown domain, a 'from' outside the component's domain, an oversize
 * stanza) are checked on the wire with a raw socket; a component killed while a user writes to
 * it gets what was written once it is back, within the hold time, and the user gets
 * service-unavailable past it.
 */
class ComponentTest {
    static final String DOMAIN = "relay." + ParleyServer.DOMAIN;
    static final String SECRET = "relay-secret-" + ParleyServer.randomPassword();
    static final int PORT = FreePorts.next();
    static final int TLS_PORT = FreePorts.next();
    static final int HOLD_SECONDS = 6;
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String CFG = "org.parley.components.cfg";

    @RegisterExtension
    static final ParleyServer SERVER = ParleyServer.builder()
            .set(CFG, "port", PORT)
            .set(CFG, "tlsPort", TLS_PORT)
            .set(CFG, "holdSeconds", HOLD_SECONDS)
            .set(CFG, "maxStanzaBytes", 4096)
            .set(CFG, "secret." + DOMAIN, SECRET)
            .build();

    static String handshake(String streamId, String secret) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        return HexFormat.of().formatHex(sha1.digest((streamId + secret).getBytes(StandardCharsets.UTF_8)));
    }

    static String header(String to) {
        return "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='" + to + "'>";
    }

    /** A raw component connection that completed the handshake. */
    static RawXmppClient rawComponent() throws Exception {
        return handshaken(RawXmppClient.connect(PORT), DOMAIN, SECRET);
    }

    static RawXmppClient handshaken(RawXmppClient raw, String domain, String secret) throws Exception {
        raw.send(header(domain));
        MatchResult id = raw.await(Pattern.compile("<stream:stream [^>]*id='([^']+)'"), WAIT);
        raw.send("<handshake>" + handshake(id.group(1), secret) + "</handshake>");
        raw.await(Pattern.compile("<handshake/>"), WAIT);
        return raw;
    }

    /** Sets (or with null removes) a key in the live configuration file; FileInstall applies it within a second or two. */
    static void setLive(String key, String value) throws IOException {
        java.nio.file.Path file = SERVER.base().resolve("etc").resolve(CFG);
        java.util.List<String> out = new java.util.ArrayList<>();
        boolean found = false;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(key + " ") || line.startsWith(key + "=")) {
                found = true;
                if (value != null) {
                    out.add(key + " = " + value);
                }
            } else {
                out.add(line);
            }
        }
        if (!found && value != null) {
            out.add(key + " = " + value);
        }
        Files.write(file, out);
    }

    @Test
    void directTlsPortServesComponentsWithTheServersCertificate() throws Exception {
        try (RawXmppClient raw = handshaken(RawXmppClient.connectDirectTls(TLS_PORT, SERVER.sslContext()), DOMAIN, SECRET)) {
            raw.send("<message from='" + DOMAIN + "' to='nobody@" + ParleyServer.DOMAIN + "' id='t1'><body>x</body></message>");
            // a message to an account that does not exist is answered (RFC 6121 8.5.2.2.1): the stream works both ways over TLS
            raw.await(Pattern.compile("<message [^>]*type='error'"), WAIT);
        }
    }

    @Test
    void liveConfigurationAddsAndRemovesComponentsAndRefusesBadValuesNamingTheKey() throws Exception {
        long logStart = SERVER.logSize();
        setLive("maxStanzasPerSecond", "0");
        SERVER.awaitLog(logStart, "key 'maxStanzasPerSecond'", WAIT);
        try (RawXmppClient raw = rawComponent()) {
            // the previous configuration stays in force: the listener still serves the component
            raw.send("<message from='" + DOMAIN + "' to='nobody@" + ParleyServer.DOMAIN + "' id='c1'><body>x</body></message>");
            raw.await(Pattern.compile("<message [^>]*type='error'"), WAIT);
        }
        setLive("maxStanzasPerSecond", "1000");
        SERVER.awaitLog(logStart, "External component settings applied", WAIT);

        String second = "second." + ParleyServer.DOMAIN;
        long addStart = SERVER.logSize();
        setLive("secret." + second, "second-secret");
        SERVER.awaitLog(addStart, "External component " + second + " configured", WAIT);
        RawXmppClient raw = handshaken(RawXmppClient.connect(PORT), second, "second-secret");
        try (raw) {
            long sealed = System.nanoTime() + WAIT.toNanos();
            while (Files.readString(SERVER.base().resolve("etc").resolve(CFG)).contains("second-secret") && System.nanoTime() < sealed) {
                Thread.sleep(100);
            }
            assertFalse(Files.readString(SERVER.base().resolve("etc").resolve(CFG)).contains("second-secret"), "sealed in place");
            long removeStart = SERVER.logSize();
            setLive("secret." + second, null);
            SERVER.awaitLog(removeStart, "External component " + second + " removed", WAIT);
            raw.await(Pattern.compile("<host-gone xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), WAIT);
            assertTrue(raw.awaitClose(WAIT));
        }
        try (RawXmppClient again = RawXmppClient.connect(PORT)) {
            again.send(header(second));
            again.await(Pattern.compile("<host-unknown "), WAIT);
        }
    }

    @Test
    void slixmppComponentReceivesFromAndSendsToASmackUser() throws Exception {
        Account alice = SERVER.newAccount("alice");
        XMPPTCPConnection c = SERVER.login(alice, "phone");
        Inbox inbox = Inbox.of(c);
        try (ComponentRelay relay = ComponentRelay.start(PORT, DOMAIN, SECRET, alice.jid())) {
            relay.awaitLine("READY", WAIT);
            c.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@" + DOMAIN)).ofType(Message.Type.chat)
                    .setBody("hello bridge").build());
            String got = relay.awaitLine(alice.jid() + "/phone\t", WAIT);
            assertEquals(alice.jid() + "/phone\tbob@" + DOMAIN + "\thello bridge", got);

            relay.send("hello from the other system");
            Message m = inbox.next(WAIT, "the relayed line");
            assertEquals("hello from the other system", m.getBody());
            assertEquals("bot@" + DOMAIN, m.getFrom().toString());

            DiscoverItems items = ServiceDiscoveryManager.getInstanceFor(c).discoverItems(JidCreate.from(ParleyServer.DOMAIN));
            assertTrue(items.getItems().stream().anyMatch(i -> i.getEntityID().toString().equals(DOMAIN)),
                    "the server's disco#items lists the component");
        }
        String cfg = Files.readString(SERVER.base().resolve("etc").resolve(CFG));
        assertFalse(cfg.contains(SECRET), "the secret is not kept in plain text in etc/");
        assertTrue(cfg.contains("secret." + DOMAIN + " = sealed:"), cfg);
    }

    @Test
    void wrongSecretIsRefusedWithNotAuthorizedAndLoggedOnce() throws Exception {
        long logStart = SERVER.logSize();
        try (ComponentRelay relay = ComponentRelay.start(PORT, DOMAIN, "not-the-secret", null)) {
            relay.awaitLine("STREAM-ERROR\tnot-authorized", WAIT);
            assertEquals(2, relay.awaitExit(WAIT), "the example gives up on a refusal a retry cannot fix");
        }
        try (RawXmppClient raw = RawXmppClient.connect(PORT)) {
            raw.send(header(DOMAIN));
            raw.await(Pattern.compile("<stream:stream [^>]*id='"), WAIT);
            raw.send("<handshake>" + handshake("x", "wrong") + "</handshake>");
            raw.await(Pattern.compile("<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), WAIT);
            assertTrue(raw.awaitClose(WAIT));
        }
        String log = SERVER.logSince(logStart);
        assertEquals(1, log.split("wrong handshake", -1).length - 1, "one log line for two refusals from one address:\n" + log);
    }

    @Test
    void unconfiguredDomainIsHostUnknown() throws Exception {
        try (RawXmppClient raw = RawXmppClient.connect(PORT)) {
            raw.send(header("other." + ParleyServer.DOMAIN));
            raw.await(Pattern.compile("<host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), WAIT);
            assertTrue(raw.awaitClose(WAIT));
        }
    }

    @Test
    void fromOutsideItsDomainIsInvalidFromAndNothingIsDelivered() throws Exception {
        Account alice = SERVER.newAccount("alice");
        XMPPTCPConnection c = SERVER.login(alice, "phone");
        Inbox inbox = Inbox.of(c);
        try (RawXmppClient raw = rawComponent()) {
            raw.send("<message from='admin@" + ParleyServer.DOMAIN + "' to='" + alice.jid() + "'><body>spoofed</body></message>");
            raw.await(Pattern.compile("<invalid-from xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), WAIT);
            assertTrue(raw.awaitClose(WAIT));
        }
        try (RawXmppClient raw = rawComponent()) {
            raw.send("<message from='news@" + DOMAIN + "' to='" + alice.jid() + "'><body>genuine</body></message>");
            assertEquals("genuine", inbox.next(WAIT, "the component's own message").getBody(), "the spoofed one never came");
        }
    }

    @Test
    void oversizeStanzaIsPolicyViolation() throws Exception {
        try (RawXmppClient raw = rawComponent()) {
            raw.sendAllowingClose("<message from='" + DOMAIN + "' to='x@" + ParleyServer.DOMAIN + "'><body>" + "x".repeat(8000)
                    + "</body></message>");
            raw.await(Pattern.compile("<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), WAIT);
            assertTrue(raw.awaitClose(WAIT));
        }
    }

    @Test
    void componentKilledAndRestartedGetsWhatWasSentMeanwhileAndPastTheHoldTheSenderGetsAnError() throws Exception {
        Account alice = SERVER.newAccount("alice");
        XMPPTCPConnection c = SERVER.login(alice, "phone");
        ComponentRelay first = ComponentRelay.start(PORT, DOMAIN, SECRET, alice.jid());
        first.awaitLine("READY", WAIT);
        first.kill();
        Thread.sleep(300); // the server sees the socket close
        for (int i = 1; i <= 3; i++) {
            c.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bot@" + DOMAIN)).ofType(Message.Type.chat)
                    .setBody("while away " + i).build());
        }
        try (ComponentRelay second = ComponentRelay.start(PORT, DOMAIN, SECRET, alice.jid())) {
            for (int i = 1; i <= 3; i++) {
                String line = second.awaitLine(alice.jid() + "/phone\t", WAIT);
                assertTrue(line.endsWith("\twhile away " + i), "held in order: " + line);
            }
            assertNull(second.pollLine(alice.jid() + "/phone\t", Duration.ofSeconds(1)), "each once");
            second.kill();
        }
        Thread.sleep(300);
        java.util.concurrent.LinkedBlockingQueue<Message> errors = new java.util.concurrent.LinkedBlockingQueue<>();
        c.addAsyncStanzaListener(s -> errors.add((Message) s),
                s -> s instanceof Message m && m.getType() == Message.Type.error);
        long sent = System.nanoTime();
        c.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bot@" + DOMAIN)).ofType(Message.Type.chat)
                .setBody("nobody comes").build());
        Message bounce = errors.poll(HOLD_SECONDS + 20, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(bounce != null, "an error answers the message once the hold time is over");
        assertEquals(StanzaError.Condition.service_unavailable, bounce.getError().getCondition());
        assertTrue(System.nanoTime() - sent >= Duration.ofSeconds(HOLD_SECONDS - 1).toNanos(), "held first, not bounced at once");
        assertNull(errors.poll(1, java.util.concurrent.TimeUnit.SECONDS), "answered once");
    }
}
