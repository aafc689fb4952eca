package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN rule 6 for the passwordfile bundle: while the bundle is replaced through deploy/, a user
 * signed in from the file stays connected and answered, and file users keep signing in one after
 * another the whole time; none of those sign-ins is refused (the auth chain waits for the
 * provider's successor).
 */
class PasswordFileUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempDirectory("passwords").resolve("passwords");
            PasswordFileSignInTest.write(FILE, "stay:" + PasswordFileSignInTest.SHA512 + "\nloop:" + PasswordFileSignInTest.APR1 + "\n");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final ParleyServer server = PasswordFileSignInTest.passwordFileServer(ParleyServer.builder(), FILE).build();

    @BeforeAll
    static void fileRead() throws Exception {
        server.awaitLog(0, "Password file " + FILE + ": 2 users", Duration.ofSeconds(60));
    }

    @Test
    void replacingTheBundleEndsNoSessionAndRefusesNoSignIn() throws Exception {
        XMPPTCPConnection stay = server.login(PasswordFileSignInTest.plain(server, "stay", "secret pw", "r"));
        String stream = stay.getStreamId();
        List<String> closed = new CopyOnWriteArrayList<>();
        stay.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.add(e.toString());
            }
        });
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger signIns = new AtomicInteger();
        List<String> refused = new CopyOnWriteArrayList<>();
        Thread loop = new Thread(() -> {
            while (running.get()) {
                XMPPTCPConnection c = server.newConnection(PasswordFileSignInTest.plain(server, "loop", "secret pw", "l"));
                try {
                    c.connect();
                    c.login();
                    signIns.incrementAndGet();
                } catch (Exception e) {
                    refused.add(e.toString());
                } finally {
                    c.disconnect();
                    server.forget(c);
                }
            }
        });
        loop.start();
        Thread.sleep(1000);
        long logBefore = server.logSize();
        int before = signIns.get();
        server.awaitLog(logBefore, Bundles.deployNewerVersion(server, "passwordfile", "99.0.0"), WAIT);
        server.awaitLog(logBefore, "Password file " + FILE + ": 2 users", WAIT);
        int during = signIns.get() - before;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (signIns.get() < before + during + 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        running.set(false);
        loop.join(20_000);
        assertTrue(refused.isEmpty(), "sign-ins refused around the upgrade: " + refused + "\n" + server.logSince(logBefore));
        assertTrue(signIns.get() >= before + 3, "sign-ins went on after the upgrade: " + signIns.get());
        assertTrue(closed.isEmpty(), "closed: " + closed);
        assertTrue(stay.isAuthenticated());
        assertEquals(stream, stay.getStreamId(), "the user is on the stream it opened");
        Xmpp.pingServer(stay);
        System.out.println("passwordfile upgrade: " + signIns.get() + " sign-ins from the file, " + during
                + " of them while the bundle was replaced, none refused");
    }
}
