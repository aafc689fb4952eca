package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The usage figures of a real server, read as an operator reads them ({@code bin/parley usage}):
 * who is online, stanzas per second, logins and failures, and distinct users of the week, which a
 * restart of the server keeps and a command against the stopped server reads.
 */
class UsageFiguresTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern THIS_WEEK = Pattern.compile("(?m)^(\\d{4}-W\\d{2})\\s+(\\d{4}-\\d{2}-\\d{2})\\s+(\\d+)$");

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("org.parley.usage.cfg", "sampleSeconds", 1)
            .set("org.parley.auth.cfg", "failureThreshold", 1000).build();

    private static Map<String, String> now() throws Exception {
        ParleyServer.CliResult r = server.cli("usage", "now");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, String> figures = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                figures.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return figures;
    }

    private static long thisWeek() throws Exception {
        ParleyServer.CliResult r = server.cli("usage", "weeks", "3");
        assertEquals(0, r.exitCode(), r.toString());
        Matcher m = THIS_WEEK.matcher(r.stdout());
        assertTrue(m.find(), r.toString());
        return Long.parseLong(m.group(3));
    }

    private static void await(String what, ThrowingCondition condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.met()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + WAIT.toSeconds() + " s; now: " + now());
            }
            Thread.sleep(200);
        }
    }

    private interface ThrowingCondition {
        boolean met() throws Exception;
    }

    @Test
    void theFiguresFollowTheTrafficAndTheWeekSurvivesARestart() throws Exception {
        Account aliceAccount = server.newAccount("fig");
        Account bobAccount = server.newAccount("fig");
        XMPPTCPConnection alice = server.login(aliceAccount, "a");
        XMPPTCPConnection bob = server.login(bobAccount, "b");
        server.login(bobAccount, "b2"); // a second session of the same user: one user, two sessions
        XMPPTCPConnection wrong = server.newConnection(server.smackConfig(aliceAccount.withPassword("guess"), "x").build());
        assertThrows(SASLErrorException.class, () -> {
            wrong.connect();
            wrong.login();
        });
        wrong.disconnect();

        await("3 sessions of 2 users", () -> now().get("online users").equals("2") && now().get("sessions").equals("3"));
        Map<String, String> figures = now();
        assertTrue(Long.parseLong(figures.get("logins")) >= 3, figures.toString());
        assertTrue(Long.parseLong(figures.get("failed logins")) >= 1, figures.toString());
        assertTrue(figures.get("heap").matches("\\d+ MiB in use, limit \\d+ MiB"), figures.toString());
        assertTrue(figures.get("uptime").startsWith("PT"), figures.toString());

        Inbox inbox = Inbox.of(bob);
        for (int i = 0; i < 200; i++) {
            alice.sendStanza(Xmpp.chat(alice, bob.getUser().asEntityBareJid(), "m" + i));
        }
        for (int i = 0; i < 200; i++) {
            inbox.next(WAIT, "message " + i);
        }
        // A sample a second: some second of the history saw the messages.
        await("messages per second in the history", () -> {
            String history = server.cli("usage", "history").stdout();
            return Pattern.compile("(?m)^\\S+\\s+\\d+\\s+\\d+\\s+([1-9]\\d*\\.\\d)\\s").matcher(history).find();
        });
        await("the week counts both users", () -> thisWeek() == 2);

        assertEquals(0, server.stop(Duration.ofSeconds(60)));
        assertEquals(2, thisWeek(), "read from storage with the server stopped");
        server.start();
        assertEquals(2, thisWeek(), "a restart neither resets nor doubles the week");
        server.login(aliceAccount, "again");
        server.login(server.newAccount("fig"), "c");
        await("a new user is the week's third", () -> thisWeek() == 3);
    }

    @Test
    void badArgumentsAreRefusedWithUsage() throws Exception {
        assertEquals(2, server.cli("usage", "weeks", "zero").exitCode());
        assertEquals(2, server.cli("usage", "sometimes").exitCode());
        assertEquals(2, server.cli("usage").exitCode());
    }
}
