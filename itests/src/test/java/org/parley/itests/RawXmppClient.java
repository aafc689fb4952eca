package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A tiny XMPP client over a plain socket, for what a well-behaved library will not send: it writes
 * strings and reads the server's bytes with timeouts, keeping a transcript ({@code C:}/{@code S:}
 * lines) that failure messages show. Matching is on the text received since the last match, and
 * the protocol helpers (STARTTLS, SASL, bind) are just enough to reach a bound session.
 */
public final class RawXmppClient implements Closeable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    public static final String SASL_NS = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String STREAMS_NS = "urn:ietf:params:xml:ns:xmpp-streams";

    private static final Pattern FEATURES = Pattern.compile("<stream:features(?:\\s[^>]*)?(?:/>|>[\\s\\S]*?</stream:features>)");
    private static final Pattern SASL_OUTCOME = Pattern.compile("<(success|failure)\\b[^>]*?(?:/>|>([\\s\\S]*?)</\\1>)");
    private static final Pattern SASL_STEP = Pattern.compile("<(challenge|success|failure)\\b[^>]*?(?:/>|>([\\s\\S]*?)</\\1>)");
    private static final Pattern STREAM_ERROR = Pattern.compile("<stream:error\\b[\\s\\S]*?</stream:error>|<stream:error\\s*/>");
    private static final int TRANSCRIPT_LINE_LIMIT = 2000;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final StringBuilder transcript = new StringBuilder();
    private int consumed;
    private boolean eof;
    private String eofReason = "";

    private RawXmppClient(Socket socket) throws IOException {
        use(socket);
    }

    /** A plain TCP connection (for the STARTTLS port). */
    public static RawXmppClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * A plain TCP connection whose receive buffer is fixed at {@code receiveBufferBytes} (0 keeps
     * the kernel's autotuning, which on loopback grows to tens of MB): a small one makes a client
     * that stops reading push back on the server quickly.
     */
    public static RawXmppClient connect(int port, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        return new RawXmppClient(s);
    }

    /**
     * A plain TCP connection from another loopback address ({@code 127.0.0.2}: Linux routes all of
     * 127/8 to the loopback interface), for the server's network access rules.
     */
    public static RawXmppClient connectFrom(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(localAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        return new RawXmppClient(s);
    }

    /** A direct TLS connection (XEP-0368) from another loopback address, as {@link #connectFrom}. */
    public static RawXmppClient connectDirectTlsFrom(String localAddress, int port, SSLContext context) throws IOException {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(localAddress, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setTcpNoDelay(true);
        return new RawXmppClient(handshake(plain, context, port));
    }

    /** A direct TLS connection (XEP-0368), verified against the trust anchors of {@code context}. */
    public static RawXmppClient connectDirectTls(int port, SSLContext context) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setTcpNoDelay(true);
        return new RawXmppClient(handshake(plain, context, port));
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    // ---------------------------------------------------------------- bytes

    /** Writes {@code xml} as UTF-8. */
    public void send(String xml) throws IOException {
        log("C: ", xml);
        out.write(xml.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes raw bytes, for what no string can encode (ill-formed UTF-8); logged as hex. */
    public void sendBytes(byte[] bytes) throws IOException {
        log("C: ", "(" + bytes.length + " bytes) " + HexFormat.of().formatHex(bytes));
        out.write(bytes);
        out.flush();
    }

    /**
     * Writes like {@link #send} but treats a connection the server already closed as a fact to
     * record, not an error: used where the server is expected to cut the client off mid-write.
     *
     * @return false when the write failed
     */
    public boolean sendAllowingClose(String xml) {
        try {
            send(xml);
            return true;
        } catch (IOException e) {
            transcript.append("   (write failed: ").append(e).append(")\n");
            return false;
        }
    }

    /** Everything received on the current stream (since connect or the last TLS start). */
    public String received() {
        return received.toString(StandardCharsets.UTF_8);
    }

    public String transcript() {
        return transcript.toString() + (eof ? "   (connection closed: " + eofReason + ")\n" : "");
    }

    public boolean isClosedByPeer() {
        return eof;
    }

    /**
     * Waits until {@code pattern} matches in the unmatched text.
     *
     * @return the match; the text up to its end counts as matched
     * @throws AssertionError with the transcript when it doesn't match within {@code timeout}
     */
    public MatchResult await(Pattern pattern, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = received();
            Matcher m = pattern.matcher(text);
            if (m.find(consumed)) {
                consumed = m.end();
                return m.toMatchResult();
            }
            if (eof) {
                throw new AssertionError("connection closed before /" + pattern + "/ arrived\n" + transcript());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no /" + pattern + "/ within " + timeout.toMillis() + " ms\n" + transcript());
            }
            readSome(deadline);
        }
    }

    /**
     * Makes exactly one read from the socket, as a client that acts on the first bytes it gets
     * would, and returns what it got (under TLS: the data of one TLS record).
     */
    public String readOnce(Duration timeout) throws IOException {
        int before = received.size();
        readSome(System.nanoTime() + timeout.toNanos());
        return new String(received.toByteArray(), before, received.size() - before, StandardCharsets.UTF_8);
    }

    /**
     * Reads until the server closes the connection.
     *
     * @return true when it closed within {@code timeout}
     */
    public boolean awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!eof && System.nanoTime() < deadline) {
            readSome(deadline);
        }
        return eof;
    }

    private void readSome(long deadline) throws IOException {
        long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
        byte[] buffer = new byte[16384];
        try {
            int n = in.read(buffer);
            if (n < 0) {
                eof = true;
                eofReason = "end of stream";
            } else if (n > 0) {
                received.write(buffer, 0, n);
                log("S: ", new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (SocketTimeoutException e) {
            // nothing arrived in time; the caller checks its deadline
        } catch (IOException e) {
            // A reset is how a peer that closed with unread data of ours ends the connection.
            eof = true;
            eofReason = e.toString();
        }
    }

    private void log(String prefix, String text) {
        String shown = text.length() > TRANSCRIPT_LINE_LIMIT
                ? text.substring(0, TRANSCRIPT_LINE_LIMIT / 2) + "...(" + text.length() + " chars)..."
                        + text.substring(text.length() - TRANSCRIPT_LINE_LIMIT / 4)
                : text;
        transcript.append(prefix).append(shown).append('\n');
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    // ---------------------------------------------------------------- protocol

    public static String streamHeader(String to) {
        return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                + " to='" + to + "' version='1.0'>";
    }

    /** Opens a stream to {@code localhost} and returns the stream features element. */
    public String openStream() throws IOException {
        return openStream(ParleyServer.DOMAIN);
    }

    public String openStream(String to) throws IOException {
        send(streamHeader(to));
        return awaitFeatures();
    }

    public String awaitFeatures() throws IOException {
        return await(FEATURES, TIMEOUT).group();
    }

    /** Sends {@code <starttls/>}, waits for proceed and does the TLS handshake, verifying the server. */
    public void startTls(SSLContext context) throws IOException {
        send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        await(Pattern.compile("<proceed\\b[^>]*?(?:/>|>\\s*</proceed>)"), TIMEOUT);
        SSLSocket tls = handshake(socket, context, socket.getPort());
        transcript.append("   (TLS ").append(tls.getSession().getProtocol()).append(' ')
                .append(tls.getSession().getCipherSuite()).append(")\n");
        use(tls);
        received.reset();
        consumed = 0;
    }

    private static SSLSocket handshake(Socket plain, SSLContext context, int port) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, ParleyServer.DOMAIN, port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(ParleyServer.DOMAIN)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.setUseClientMode(true);
        tls.setSoTimeout((int) TIMEOUT.toMillis());
        tls.startHandshake();
        return tls;
    }

    /** Outcome of one SASL exchange: success or the failure's condition. */
    public record SaslOutcome(boolean success, String element, String additionalData) {
    }

    /** SASL PLAIN with authcid {@code user}; returns the success or failure element. */
    public SaslOutcome authPlain(String user, String password) throws IOException {
        String initial = "\0" + user + "\0" + password;
        send("<auth xmlns='" + SASL_NS + "' mechanism='PLAIN'>"
                + Base64.getEncoder().encodeToString(initial.getBytes(StandardCharsets.UTF_8)) + "</auth>");
        MatchResult m = await(SASL_OUTCOME, TIMEOUT);
        return new SaslOutcome(m.group(1).equals("success"), m.group(), m.group(2));
    }

    /**
     * SCRAM-SHA-1 or SCRAM-SHA-256 with {@link ScramClient}; on success also checks the server's
     * signature (the server proving it knows the password's keys).
     */
    public SaslOutcome authScram(String mechanism, String user, String password) throws IOException {
        ScramClient scram = new ScramClient(mechanism, user, password);
        send("<auth xmlns='" + SASL_NS + "' mechanism='" + mechanism + "'>" + b64(scram.clientFirstMessage()) + "</auth>");
        MatchResult step = await(SASL_STEP, TIMEOUT);
        if (!step.group(1).equals("challenge")) {
            return new SaslOutcome(false, step.group(), step.group(2));
        }
        String serverFirst = unb64(step.group(2));
        send("<response xmlns='" + SASL_NS + "'>" + b64(scram.clientFinalMessage(serverFirst)) + "</response>");
        step = await(SASL_STEP, TIMEOUT);
        String serverFinal;
        if (step.group(1).equals("challenge")) {
            // RFC 6120 6.3.10 allows the server-final-message as a last challenge, answered empty.
            serverFinal = unb64(step.group(2));
            send("<response xmlns='" + SASL_NS + "'/>");
            step = await(SASL_OUTCOME, TIMEOUT);
        } else {
            serverFinal = step.group(2) == null || step.group(1).equals("failure") ? "" : unb64(step.group(2));
        }
        boolean success = step.group(1).equals("success");
        if (success) {
            assertTrue(scram.serverFinalIsValid(serverFinal),
                    () -> "the server's SCRAM signature does not verify: '" + serverFinal + "'\n" + transcript());
        }
        return new SaslOutcome(success, step.group(), serverFinal);
    }

    /** Binds {@code resource}; returns the full JID the server assigned. */
    public String bind(String resource) throws IOException {
        send("<iq type='set' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource
                + "</resource></bind></iq>");
        MatchResult m = await(Pattern.compile("<iq\\b[^>]*\\bid=['\"]bind-1['\"][^>]*>[\\s\\S]*?<jid>([^<]+)</jid>[\\s\\S]*?</iq>"),
                TIMEOUT);
        return m.group(1);
    }

    /** STARTTLS, SASL PLAIN, stream restart, resource binding: a session ready for stanzas. */
    public String login(Account account, String resource, SSLContext context) throws IOException {
        openStream();
        startTls(context);
        openStream();
        SaslOutcome outcome = authPlain(account.local(), account.password());
        if (!outcome.success()) {
            throw new AssertionError("PLAIN login of " + account.jid() + " failed: " + outcome.element() + "\n" + transcript());
        }
        openStream();
        return bind(resource);
    }

    /**
     * Waits for a stream error, checks its condition and namespace, and that the server then
     * closes the stream ({@code </stream:stream>}) and the TCP connection.
     *
     * @return the stream error element
     */
    public String assertStreamErrorAndClose(String condition, Duration timeout) throws IOException {
        String error = await(STREAM_ERROR, timeout).group();
        assertTrue(Pattern.compile("<" + condition + "\\b[^>]*xmlns=['\"]" + Pattern.quote(STREAMS_NS) + "['\"]").matcher(error).find(),
                () -> "expected stream error <" + condition + " xmlns='" + STREAMS_NS + "'/>, got " + error + "\n" + transcript());
        await(Pattern.compile("</stream:stream>"), timeout);
        assertTrue(awaitClose(timeout), () -> "the server sent </stream:stream> but did not close the connection within "
                + timeout.toSeconds() + " s\n" + transcript());
        return error;
    }

    public static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String unb64(String text) {
        String trimmed = text == null ? "" : text.strip();
        return trimmed.equals("=") ? "" : new String(Base64.getDecoder().decode(trimmed), StandardCharsets.UTF_8);
    }
}
