package org.parley.tls.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * A complete TLS handshake between a client and a server engine, in memory: records are passed
 * between the engines until each has received the other's application data, or one fails.
 */
final class Handshake {
    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "pong".getBytes(StandardCharsets.US_ASCII);

    /** The sessions on success, or the side that failed first and its exception. */
    record Outcome(SSLSession clientSession, SSLSession serverSession, String failedSide, SSLException failure) {
        boolean succeeded() {
            return failure == null;
        }
    }

    private Handshake() {
    }

    /** A client engine (default JDK settings) that trusts only the given certificate as anchor. */
    static SSLEngine client(X509Certificate trustAnchor) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("anchor", trustAnchor);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        SSLEngine engine = context.createSSLEngine("localhost", 5223);
        engine.setUseClientMode(true);
        return engine;
    }

    static Outcome run(SSLEngine client, SSLEngine server) throws Exception {
        ByteBuffer clientOut = ByteBuffer.wrap(PING);
        ByteBuffer serverOut = ByteBuffer.wrap(PONG);
        ByteBuffer clientToServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer serverToClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer clientIn = ByteBuffer.allocate(1 << 17);
        ByteBuffer serverIn = ByteBuffer.allocate(1 << 17);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            try {
                wrap(client, clientOut, clientToServer);
            } catch (SSLException e) {
                return new Outcome(null, null, "client", e);
            }
            try {
                unwrap(server, clientToServer, serverIn);
                wrap(server, serverOut, serverToClient);
            } catch (SSLException e) {
                return new Outcome(null, null, "server", e);
            }
            try {
                unwrap(client, serverToClient, clientIn);
            } catch (SSLException e) {
                return new Outcome(null, null, "client", e);
            }
            if (clientIn.position() == PONG.length && serverIn.position() == PING.length) {
                return new Outcome(client.getSession(), server.getSession(), null, null);
            }
        }
        throw new AssertionError("the handshake made no progress in 100 rounds");
    }

    private static void wrap(SSLEngine engine, ByteBuffer application, ByteBuffer network) throws SSLException {
        engine.wrap(application, network);
        runTasks(engine);
    }

    private static void unwrap(SSLEngine engine, ByteBuffer network, ByteBuffer application) throws SSLException {
        network.flip();
        try {
            SSLEngineResult result;
            do {
                result = engine.unwrap(network, application);
                runTasks(engine);
            } while (network.hasRemaining() && result.getStatus() == SSLEngineResult.Status.OK
                    && result.bytesConsumed() > 0);
        } finally {
            network.compact();
        }
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
