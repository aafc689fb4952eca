package org.parley.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.parley.api.storage.ScramHash;
import org.parley.auth.internal.Scram;

/**
 * Opens many authenticated, idle client sessions against a running server (STARTTLS, SASL
 * PLAIN, bind, initial presence) and holds them, so the server's memory per idle TLS session
 * can be read off with jcmd and /proc while they are held. Loopback only.
 *
 * <p>With {@code --notls} the sessions stay plaintext and log in with SCRAM-SHA-256 (the server
 * never takes PLAIN without TLS; it must run with {@code requireTls = false}), so the memory TLS
 * takes per session is the difference between the two runs.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.parley.benchmarks.IdleSessions [--notls] PORT DOMAIN COUNT HOLD_SECONDS</pre>
 * Accounts user1..userCOUNT with passwords pass1..passCOUNT must exist (bin/parley user import).
 */
public final class IdleSessions {
    private IdleSessions() {
    }

    public static void main(String[] arguments) throws Exception {
        boolean plaintext = arguments.length > 0 && arguments[0].equals("--notls");
        String[] args = plaintext ? Arrays.copyOfRange(arguments, 1, arguments.length) : arguments;
        int port = Integer.parseInt(args[0]);
        String domain = args[1];
        int count = Integer.parseInt(args[2]);
        int holdSeconds = Integer.parseInt(args[3]);
        SSLContext tls = trustingTls();
        List<Socket> held = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            held.add(plaintext ? openPlaintext(port, domain, "user" + i, "pass" + i) : login(tls, port, domain, "user" + i, "pass" + i, 0).socket());
            if (i % 500 == 0) {
                System.out.printf("%d sessions open (%.1f s)%n", i, (System.nanoTime() - start) / 1e9);
            }
        }
        System.out.printf("ALL %d sessions open in %.1f s; holding %d s%n", count, (System.nanoTime() - start) / 1e9, holdSeconds);
        Thread.sleep(holdSeconds * 1000L);
        for (Socket s : held) {
            s.close();
        }
    }

    /** A client's TLS context for the probes: they talk only to 127.0.0.1 and measure the server, so they do not check its certificate. */
    static SSLContext trustingTls() throws java.security.GeneralSecurityException {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        return tls;
    }

    /** A logged-in session: its TLS socket and the full JID the server bound. */
    record Session(Socket socket, String jid) {
    }

    /**
     * STARTTLS, PLAIN, bind, initial presence, a ping answered. {@code receiveBufferBytes} fixes
     * the socket's receive buffer (0: the kernel's autotuning), for a client that stops reading.
     */
    static Session login(SSLContext tls, int port, String domain, String user, String password, int receiveBufferBytes)
            throws IOException {
        return login(tls, port, domain, user, password, receiveBufferBytes, true);
    }

    /** As above; without initial presence when {@code available} is false (an offline store is then not yet flushed). */
    static Session login(SSLContext tls, int port, String domain, String user, String password, int receiveBufferBytes,
            boolean available) throws IOException {
        Socket plain = new Socket();
        if (receiveBufferBytes > 0) {
            plain.setReceiveBufferSize(receiveBufferBytes);
        }
        plain.connect(new java.net.InetSocketAddress("127.0.0.1", port), 15_000);
        plain.setSoTimeout(15_000);
        plain.setTcpNoDelay(true);
        String header = "<?xml version='1.0'?><stream:stream to='" + domain
                + "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
        send(plain.getOutputStream(), header + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        readUntil(plain.getInputStream(), "<proceed");
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, domain, port, true);
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        send(out, header);
        readUntil(in, "</stream:features>");
        String auth = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        send(out, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + auth + "</auth>");
        readUntil(in, "<success");
        return new Session(s, bindAndPresence(out, in, header, available));
    }

    /**
     * After SASL success: the restarted stream, a bound resource, initial presence, and a ping answered.
     *
     * @return the full JID bound
     */
    private static String bindAndPresence(OutputStream out, InputStream in, String header, boolean available) throws IOException {
        send(out, header);
        readUntil(in, "</stream:features>");
        send(out, "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
        Matcher jid = Pattern.compile("<jid>([^<]+)</jid>").matcher(readUntil(in, "</iq>"));
        send(out, (available ? "<presence/>" : "") + "<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>");
        readUntil(in, "id='p'");
        return jid.find() ? jid.group(1) : null;
    }

    private static Socket openPlaintext(int port, String domain, String user, String password)
            throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(15_000);
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        String header = "<?xml version='1.0'?><stream:stream to='" + domain
                + "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
        send(out, header);
        readUntil(in, "</stream:features>");
        scramSha256(out, in, user, password);
        bindAndPresence(out, in, header, true);
        return s;
    }

    /** The client side of RFC 5802 with SHA-256 (RFC 7677), without channel binding, on the server's own SCRAM functions. */
    private static void scramSha256(OutputStream out, InputStream in, String user, String password)
            throws IOException {
        byte[] nonceBytes = new byte[18];
        new SecureRandom().nextBytes(nonceBytes);
        String clientFirstBare = "n=" + user + ",r=" + Base64.getEncoder().encodeToString(nonceBytes);
        send(out, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>"
                + b64("n,," + clientFirstBare) + "</auth>");
        Matcher challenge = Pattern.compile("<challenge[^>]*>([^<]*)</challenge>").matcher(readUntil(in, "</challenge>"));
        if (!challenge.find()) {
            throw new IOException("no SCRAM challenge");
        }
        String serverFirst = new String(Base64.getDecoder().decode(challenge.group(1)), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("r=([^,]+),s=([^,]+),i=(\\d+)").matcher(serverFirst);
        if (!m.find()) {
            throw new IOException("bad server-first-message: " + serverFirst);
        }
        byte[] salted = Scram.hi(ScramHash.SHA_256, password.getBytes(StandardCharsets.UTF_8),
                Base64.getDecoder().decode(m.group(2)), Integer.parseInt(m.group(3)));
        byte[] clientKey = Scram.hmac(ScramHash.SHA_256, salted, "Client Key".getBytes(StandardCharsets.UTF_8));
        String clientFinal = "c=" + b64("n,,") + ",r=" + m.group(1);
        byte[] signature = Scram.hmac(ScramHash.SHA_256, Scram.storedKey(ScramHash.SHA_256, salted),
                (clientFirstBare + "," + serverFirst + "," + clientFinal).getBytes(StandardCharsets.UTF_8));
        byte[] proof = Scram.xor(clientKey, signature);
        send(out, "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + b64(clientFinal + ",p=" + Base64.getEncoder().encodeToString(proof)) + "</response>");
        readUntil(in, "<success");
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static void send(OutputStream out, String xml) throws IOException {
        out.write(xml.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[4096];
        while (seen.indexOf(marker) < 0) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("closed before '" + marker + "': " + seen);
            }
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            if (seen.indexOf("<failure") >= 0 || seen.indexOf("<stream:error") >= 0) {
                throw new IOException("refused: " + seen);
            }
        }
        return seen.toString();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
