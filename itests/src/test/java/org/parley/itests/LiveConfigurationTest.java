package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etc/ is applied live: a valid change takes effect without a restart, and a value the server
 * cannot use is refused with a log line naming the key while the previous setting keeps running.
 */
class LiveConfigurationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().transport("maxStanzaBytes", 100_000).build();

    private static void rewrite(String key, String value) throws Exception {
        Path file = server.base().resolve("etc").resolve("org.parley.transport.cfg");
        String cfg = Files.readString(file).replaceAll("(?m)^" + key + "\\s*=.*$", key + " = " + value);
        assertTrue(cfg.contains(key + " = " + value), "the harness wrote " + key);
        // Write beside it and move: FileInstall never reads a half-written file.
        Path tmp = file.resolveSibling("transport.cfg.tmp");
        Files.writeString(tmp, cfg);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitLog(long offset, String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (server.logSince(offset).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in the log within " + WAIT.toSeconds() + " s:\n" + server.logSince(offset));
    }

    @Test
    void anInvalidValueIsRefusedByNameAndTheOldSettingsKeepServing() throws Exception {
        long offset = server.logSize();
        rewrite("c2sPort", "99999");
        awaitLog(offset, "c2sPort must be a TCP port");

        try (RawXmppClient c = server.track(RawXmppClient.connect(server.c2sPort()))) {
            assertTrue(c.openStream().contains("starttls"), "the old port still serves clients");
        }
        assertTrue(server.login(server.newAccount("afterbad")).isAuthenticated());
        rewrite("c2sPort", String.valueOf(server.c2sPort()));
    }

    /** No machine lets one process open a billion files: the server must say so, naming the key. */
    @Test
    void aMaxConnectionsAboveTheOpenFileLimitIsAppliedWithAWarning() throws Exception {
        long offset = server.logSize();
        rewrite("maxConnections", "1000000000");
        awaitLog(offset, "maxConnections is 1000000000, but this process may open only");
        try (RawXmppClient c = server.track(RawXmppClient.connect(server.c2sPort()))) {
            assertTrue(c.openStream().contains("starttls"), "clients are still served");
        }
        rewrite("maxConnections", "100000");
    }

    @Test
    void aSmallerStanzaLimitAppliesToNewConnectionsWithoutRestart() throws Exception {
        String body = "x".repeat(60_000);
        try (RawXmppClient before = server.rawLoggedIn()) {
            before.send("<message to='nobody@localhost' type='headline'><body>" + body + "</body></message>");
            before.send("<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            before.await(Pattern.compile("id='p1'"), WAIT);
        }
        long offset = server.logSize();
        rewrite("maxStanzaBytes", "20000");
        awaitLog(offset, "Applied transport settings: maxStanzaBytes=20000");
        try (RawXmppClient after = server.rawLoggedIn()) {
            after.send("<message to='nobody@localhost' type='headline'><body>" + body + "</body></message>");
            after.assertStreamErrorAndClose("policy-violation", WAIT);
        }
        rewrite("maxStanzaBytes", "100000");
    }
}
