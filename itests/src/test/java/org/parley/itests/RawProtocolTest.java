package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a well-behaved client library never sends: plain-text shortcuts around STARTTLS, broken or
 * restricted XML (RFC 6120 section 11.1), ill-formed UTF-8, oversized stanzas, wrong or nested
 * stream headers, top-level elements no stream accepts. Each is checked
 * on the wire with {@link RawXmppClient}.
 */
class RawProtocolTest {
    static final int MAX_STANZA_BYTES = 20_000;
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().transport("maxStanzaBytes", MAX_STANZA_BYTES).build();

    /** Nine levels of ten: "&lol9;" expands to 10^9 "lol"s, about 3 GB. */
    static final String BILLION_LAUGHS = """
            <!DOCTYPE stream:stream [
             <!ENTITY lol "lol">
             <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
             <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
             <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
             <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
             <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
             <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
             <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
             <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
             <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>""";

    // ---------------------------------------------------------------- before TLS

    @Test
    void featuresBeforeTlsOfferRequiredStarttlsAndNoMechanisms() throws Exception {
        RawXmppClient raw = server.raw();

        String features = raw.openStream();

        assertTrue(Pattern.compile("<starttls xmlns=['\"]urn:ietf:params:xml:ns:xmpp-tls['\"]>\\s*<required\\s*/>\\s*</starttls>")
                .matcher(features).find(), features);
        assertFalse(features.contains("mechanisms"), "SASL offered before TLS: " + features);
    }

    /**
     * Tsung (the load generator) answers a stream header on the first bytes it reads; had the
     * features left in a write of their own, it sent STARTTLS or SASL before they arrived.
     */
    @Test
    void streamHeaderAndFeaturesArriveInOneRead() throws Exception {
        Account a = server.newAccount("oneread");
        RawXmppClient raw = server.raw();
        raw.send(RawXmppClient.streamHeader(ParleyServer.DOMAIN));
        assertTrue(raw.readOnce(WAIT).contains("</stream:features>"), raw::transcript);
        raw.await(Pattern.compile("</stream:features>"), WAIT);

        raw.startTls(server.sslContext());
        raw.send(RawXmppClient.streamHeader(ParleyServer.DOMAIN));
        assertTrue(raw.readOnce(WAIT).contains("</stream:features>"), raw::transcript);
        raw.await(Pattern.compile("</stream:features>"), WAIT);

        assertTrue(raw.authPlain(a.local(), a.password()).success(), raw::transcript);
        raw.send(RawXmppClient.streamHeader(ParleyServer.DOMAIN));
        assertTrue(raw.readOnce(WAIT).contains("</stream:features>"), raw::transcript);
    }

    @Test
    void authBeforeStarttlsFailsWithEncryptionRequired() throws Exception {
        Account a = server.newAccount("early");
        RawXmppClient raw = server.raw();
        raw.openStream();

        RawXmppClient.SaslOutcome outcome = raw.authPlain(a.local(), a.password());

        assertFalse(outcome.success(), raw::transcript);
        assertTrue(Pattern.compile("<failure xmlns=['\"]" + RawXmppClient.SASL_NS + "['\"]>\\s*<encryption-required\\s*/>")
                .matcher(outcome.element()).find(), () -> outcome.element() + "\n" + raw.transcript());
    }

    @Test
    void messageBeforeStarttlsIsAStreamPolicyViolation() throws Exception {
        RawXmppClient raw = server.raw();
        raw.openStream();

        raw.send("<message to='someone@localhost' type='chat'><body>in the clear</body></message>");

        raw.assertStreamErrorAndClose("policy-violation", WAIT);
    }

    // ---------------------------------------------------------------- stream header

    @Test
    void streamToAnUnknownDomainIsHostUnknown() throws Exception {
        RawXmppClient raw = server.raw();

        raw.send(RawXmppClient.streamHeader("nowhere.example"));

        raw.assertStreamErrorAndClose("host-unknown", WAIT);
    }

    @Test
    void streamWithAWrongStreamNamespaceIsInvalidNamespace() throws Exception {
        RawXmppClient raw = server.raw();

        raw.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://example.org/not-streams'"
                + " to='localhost' version='1.0'>");

        raw.assertStreamErrorAndClose("invalid-namespace", WAIT);
    }

    // ---------------------------------------------------------------- restricted XML (RFC 6120 11.1)

    @Test
    void billionLaughsDoctypeAsTheFirstBytesIsRestrictedXmlAndNeverExpanded() throws Exception {
        RawXmppClient raw = server.raw();

        raw.sendAllowingClose("<?xml version='1.0'?>" + BILLION_LAUGHS
                + "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost'"
                + " version='1.0'>&lol9;");

        raw.assertStreamErrorAndClose("restricted-xml", PROMPTLY);
        assertServerStillAnswers();
    }

    @Test
    void billionLaughsDoctypeAfterLoginIsRestrictedXml() throws Exception {
        RawXmppClient raw = server.rawLoggedIn();

        raw.sendAllowingClose(BILLION_LAUGHS + "<message to='" + ParleyServer.DOMAIN + "'><body>&lol9;</body></message>");

        raw.assertStreamErrorAndClose("restricted-xml", PROMPTLY);
        assertServerStillAnswers();
    }

    /** The other constructs RFC 6120 section 11.1 forbids: comments, processing instructions, entity references. */
    @ParameterizedTest
    @ValueSource(strings = {"<!-- a comment -->", "<?parley-itests a processing instruction?>",
            "<message to='localhost'><body>&undeclared;</body></message>"})
    void otherRestrictedXmlAfterLoginIsRestrictedXml(String restricted) throws Exception {
        RawXmppClient raw = server.rawLoggedIn();

        raw.sendAllowingClose(restricted);

        raw.assertStreamErrorAndClose("restricted-xml", PROMPTLY);
    }

    // ---------------------------------------------------------------- accounts that do not exist

    /**
     * RFC 6121 section 8.5.1: an iq to the bare JID of an account that does not exist gets
     * service-unavailable from that address; the server does not answer for it (it used to answer
     * ping, and describe the account in disco#info as registered). An existing account with no
     * session is answered for.
     */
    @ParameterizedTest
    @ValueSource(strings = {"<ping xmlns='urn:xmpp:ping'/>", "<query xmlns='http://jabber.org/protocol/disco#info'/>"})
    void anIqToAnAccountThatDoesNotExistIsServiceUnavailable(String payload) throws Exception {
        RawXmppClient raw = server.rawLoggedIn();
        String nobody = ParleyServer.uniqueLocal("nobody") + "@" + ParleyServer.DOMAIN;
        String offline = server.newAccount("offline").jid();

        raw.send("<iq type='get' id='n1' to='" + nobody + "'>" + payload + "</iq>");
        String refused = raw.await(Pattern.compile("<iq[^>]*id='n1'[\\s\\S]*?</iq>"), WAIT).group();
        assertTrue(refused.contains("type='error'") && refused.contains("<service-unavailable"), refused);
        assertTrue(refused.contains("from='" + nobody + "'"), refused);
        assertFalse(refused.contains("registered"), refused);

        raw.send("<iq type='get' id='n2' to='" + offline + "'>" + payload + "</iq>");
        String answered = raw.await(Pattern.compile("<iq[^>]*id='n2'[^>]*>|<iq[^>]*id='n2'[^>]*/>"), WAIT).group();
        assertTrue(answered.contains("type='result'"), "an existing account is answered for: " + answered);
    }

    // ---------------------------------------------------------------- broken XML and size

    @Test
    void malformedXmlAfterLoginIsNotWellFormedAndClosesTheConnection() throws Exception {
        RawXmppClient raw = server.rawLoggedIn();

        raw.send("<message><body>x</message>");

        raw.assertStreamErrorAndClose("not-well-formed", WAIT);
    }

    @Test
    void stanzaOverMaxStanzaBytesIsAPolicyViolation() throws Exception {
        RawXmppClient raw = server.rawLoggedIn();

        raw.sendAllowingClose("<message to='" + ParleyServer.DOMAIN + "'><body>" + "x".repeat(30_000) + "</body></message>");

        raw.assertStreamErrorAndClose("policy-violation", WAIT);
    }

    @Test
    void stanzaUnderMaxStanzaBytesIsDelivered() throws Exception {
        RawXmppClient raw = server.rawLoggedIn();
        String jid = bound(raw);
        String body = "y".repeat(MAX_STANZA_BYTES - 2000);

        raw.send("<presence/><message to='" + jid + "' type='chat' id='big-1'><body>" + body + "</body></message>");

        String echoed = raw.await(Pattern.compile("<message\\b[^>]*>[\\s\\S]*?</message>"), WAIT).group();
        assertTrue(echoed.contains(body), "the message to itself came back whole");
        assertFalse(raw.isClosedByPeer(), raw::transcript);
    }

    // ---------------------------------------------------------------- ill-formed UTF-8 (RFC 3629)

    /**
     * Overlong forms of '<' and '>' (and of NUL) in a message body: a server that decodes them
     * hands the recipient markup the sender could not write, the classic way around a content
     * filter. The sender's stream ends with not-well-formed and the recipient gets nothing.
     */
    @Test
    void overlongUtf8InAMessageClosesTheSendersStreamAndReachesNoOne() throws Exception {
        RawXmppClient recipient = server.rawLoggedIn();
        String recipientJid = bound(recipient);
        recipient.send("<presence/>");
        RawXmppClient sender = server.rawLoggedIn();

        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(("<message to='" + recipientJid + "' type='chat' id='overlong'><body>").getBytes(StandardCharsets.UTF_8));
        message.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xBC});
        message.writeBytes("script".getBytes(StandardCharsets.UTF_8));
        message.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xBE, (byte) 0xE0, (byte) 0x80, (byte) 0xBC, (byte) 0xC0, (byte) 0x80});
        message.writeBytes("</body></message>".getBytes(StandardCharsets.UTF_8));
        sender.sendBytes(message.toByteArray());

        sender.assertStreamErrorAndClose("not-well-formed", WAIT);
        // The recipient's own round trip comes after anything the sender's stream could have routed to it.
        recipient.send("<iq type='get' id='recipient-ping'><ping xmlns='urn:xmpp:ping'/></iq>");
        recipient.await(Pattern.compile("<iq\\b[^>]*id=['\"]recipient-ping['\"]"), WAIT);
        assertFalse(recipient.received().contains("overlong"), "the recipient received:\n" + recipient.transcript());
        assertFalse(recipient.received().contains("script"), "the recipient received:\n" + recipient.transcript());
    }

    /** Before TLS, in the stream header: an overlong '.' that a lenient decoder reads as the host "local.host". */
    @Test
    void overlongUtf8InTheStreamHeaderBeforeTlsIsNotWellFormed() throws Exception {
        RawXmppClient raw = server.raw();
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='local"
                .getBytes(StandardCharsets.UTF_8));
        header.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAE});
        header.writeBytes("host' version='1.0'>".getBytes(StandardCharsets.UTF_8));

        raw.sendBytes(header.toByteArray());

        raw.assertStreamErrorAndClose("not-well-formed", WAIT);
    }

    /** Well-formed UTF-8 for a character XML does not allow: the stream used to be cut without a stream error. */
    @Test
    void characterXmlDoesNotAllowInAMessageIsNotWellFormed() throws Exception {
        RawXmppClient raw = server.rawLoggedIn();

        raw.send("<message to='" + ParleyServer.DOMAIN + "'><body>x\uFFFEy</body></message>");

        raw.assertStreamErrorAndClose("not-well-formed", WAIT);
    }

    // ---------------------------------------------------------------- top-level start tags

    /** A stream header as a client opens a stream, without the XML declaration (inside a stream that is not-well-formed anyway). */
    private static final String NESTED_HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
            + " to='" + ParleyServer.DOMAIN + "' version='1.0'>";

    @Test
    void nestedStreamHeaderBeforeTlsGetsAStreamErrorAtOnce() throws Exception {
        RawXmppClient raw = server.raw();
        raw.openStream();

        raw.send(NESTED_HEADER);

        raw.assertStreamErrorAndClose("unsupported-stanza-type", PROMPTLY);
    }

    /** It used to be buffered as the start of an element that never ends: the stream stalled, a ping went unanswered. */
    @Test
    void nestedStreamHeaderAfterLoginGetsAStreamErrorAtOnceAndTheNextPingIsNeverProcessed() throws Exception {
        RawXmppClient raw = server.rawLoggedIn();

        raw.send(NESTED_HEADER + "<iq type='get' id='after-nested'><ping xmlns='urn:xmpp:ping'/></iq>");

        raw.assertStreamErrorAndClose("unsupported-stanza-type", PROMPTLY);
        assertFalse(raw.received().contains("after-nested"), raw::transcript);
    }

    /** An element no stream accepts is refused when its start tag arrives, not after a body that never ends. */
    @Test
    void unsupportedTopLevelElementIsRefusedAtItsStartTag() throws Exception {
        RawXmppClient raw = server.rawLoggedIn();

        raw.send("<enable xmlns='urn:example:not-supported'><item>" + "x".repeat(1000));

        raw.assertStreamErrorAndClose("unsupported-stanza-type", PROMPTLY);
    }

    private static String bound(RawXmppClient raw) {
        var m = Pattern.compile("<jid>([^<]+)</jid>").matcher(raw.transcript());
        assertTrue(m.find(), raw::transcript);
        return m.group(1);
    }

    /** The server still serves a new connection at once: nothing was left expanding entities. */
    private static void assertServerStillAnswers() throws Exception {
        try (RawXmppClient probe = server.raw()) {
            long started = System.nanoTime();
            String features = probe.openStream();
            assertTrue(features.contains("starttls"), features);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 2000, "a new stream took " + millis + " ms to be answered");
        }
        assertEquals(true, server.isRunning());
    }
}
