package org.parley.mailhook.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * A real SMTP relay (SubEthaSMTP) on a loopback port, as a mail relay is set up for submission:
 * STARTTLS offered and required before anything else, AUTH offered only inside TLS and required
 * before MAIL. Or, built without TLS, a relay that does not offer STARTTLS at all. It records what
 * it took and over what, so a test can tell that a mail went over TLS and not in clear.
 */
public final class StartTlsRelay implements AutoCloseable {
    /** A mail the relay took: for whom, over which TLS protocol (null: in clear), from which authenticated user. */
    public record Received(String recipient, String tlsProtocol, String user, String data) {
    }

    /** An AUTH attempt: the user, whether it came inside TLS, whether the password was right. */
    public record Login(String user, boolean insideTls, boolean accepted) {
    }

    private final SMTPServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Login> logins = new CopyOnWriteArrayList<>();

    /**
     * @param tls what the relay presents after STARTTLS; null for a relay that does not offer it
     *     (it then takes mail in clear, without AUTH)
     */
    public StartTlsRelay(int port, SSLContext tls, String user, String password) {
        SMTPServer.Builder b = SMTPServer.port(port).bindAddress(loopback()).hostName("relay.test")
                .connectionTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .messageHandler((MessageContext context, String from, String to, byte[] data) -> received.add(new Received(to,
                        protocol(context), context.getAuthenticationHandler().map(h -> String.valueOf(h.getIdentity())).orElse(null),
                        new String(data, StandardCharsets.UTF_8))));
        if (tls != null) {
            b.enableTLS().requireTLS().startTlsSocketFactory(tls).requireAuth()
                    .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((u, p, context) -> {
                        boolean ok = u.equals(user) && p.equals(password);
                        logins.add(new Login(u, ((Session) context).isTLSStarted(), ok));
                        if (!ok) {
                            throw new LoginFailedException();
                        }
                    }));
        } else {
            b.enableTLS(false);
        }
        server = b.build();
        server.start();
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String protocol(MessageContext context) {
        Socket socket = ((Session) context).getSocket();
        return socket instanceof SSLSocket s ? s.getSession().getProtocol() : null;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Login> logins() {
        return List.copyOf(logins);
    }

    /** Waits until the relay took at least n mails, and returns them all. */
    public List<Received> awaitReceived(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " mail(s) within " + timeout + ", the relay took " + received.size());
            }
            Thread.sleep(50);
        }
        return received();
    }

    @Override
    public void close() {
        server.stop();
    }
}
