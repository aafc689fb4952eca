package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN rule 6 for mail to IM: the mailtoim bundle is replaced through deploy/ while a mail
 * system keeps calling the endpoint for users who are signed in on two resources each. Every
 * call answered 200 brought each resource its headline exactly once; a call answered otherwise
 * brought nothing, and was answered 503 with Retry-After (the retryable answer docs/MAIL-TO-IM.md
 * names); no session ended. A user's spent allowance stays spent across the upgrade.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the second lowers the per-user limit
class MailToImUpgradeTest {
    private static final AtomicInteger VERSIONS = new AtomicInteger();
    private static final String TOKEN = "upgrade-token-" + "0c9d3e2f1a";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, im, mailtoim")
            .set("org.parley.mailtoim.cfg", "tokens", "relay:" + sha256(TOKEN))
            .set("org.parley.mailtoim.cfg", "perTokenPerMinute", 1_000_000)
            .set("org.parley.mailtoim.cfg", "perUserPerMinute", 1_000_000)
            .build();

    private static HttpClient http;

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void client() throws Exception {
        http = HttpClient.newBuilder().sslContext(server.sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
        ParleyServer.awaitHttps(http, request("user", "nobody", "from", "probe"), status -> status == 404, WAIT);
    }

    private static HttpRequest request(String... fields) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            form.append(form.length() > 0 ? "&" : "").append(fields[i]).append('=')
                    .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        return HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpsPort() + "/mail/arrived"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
    }

    private static String upgrade() throws Exception {
        String version = "99.0." + VERSIONS.getAndIncrement();
        long offset = server.logSize();
        String done = Bundles.deployNewerVersion(server, "mailtoim", version);
        server.awaitLog(offset, done, WAIT);
        server.awaitLog(offset, "Mail to IM on /mail/arrived", WAIT);
        return server.logSince(offset);
    }

    /** One caller: numbered calls, one after the other, for the users in turn, each answer kept. */
    private static final class Caller extends Thread {
        final String name;
        final List<Account> users;
        final AtomicBoolean running = new AtomicBoolean(true);
        final Map<String, HttpResponse<String>> answers = new ConcurrentHashMap<>();
        final Map<String, String> userOf = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        Caller(String name, List<Account> users) {
            this.name = name;
            this.users = users;
        }

        @Override
        public void run() {
            for (int n = 0; running.get(); n++) {
                String subject = name + "-" + n;
                Account user = users.get(n % users.size());
                userOf.put(subject, user.bareJid().toString());
                try {
                    answers.put(subject, http.send(request("user", user.bareJid().toString(), "from", "list@example.edu", "subject", subject),
                            HttpResponse.BodyHandlers.ofString()));
                    Thread.sleep(5);
                } catch (Exception e) {
                    failures.add(subject + ": " + e);
                }
            }
        }
    }

    @Test
    @Order(1)
    void replacingTheBundleUnderCallsDeliversEveryAcceptedCallOnceAndEndsNoSession() throws Exception {
        List<Account> users = server.newAccounts("mu", 3);
        Map<String, List<String>> received = new ConcurrentHashMap<>(); // resource's full JID -> headline bodies
        List<String> closed = new CopyOnWriteArrayList<>();
        List<XMPPTCPConnection> connections = new ArrayList<>();
        for (Account user : users) {
            for (String resource : List.of("phone", "laptop")) {
                XMPPTCPConnection c = server.login(user, resource);
                String me = user.bareJid() + "/" + resource;
                List<String> bodies = new CopyOnWriteArrayList<>();
                received.put(me, bodies);
                c.addSyncStanzaListener(s -> bodies.add(((Message) s).getBody()),
                        s -> s instanceof Message m && m.getType() == Message.Type.headline);
                c.addConnectionListener(new ConnectionListener() {
                    @Override
                    public void connectionClosedOnError(Exception e) {
                        closed.add(me + ": " + e);
                    }
                });
                Xmpp.pingServer(c);
                connections.add(c);
            }
        }
        List<Caller> callers = List.of(new Caller("a", users), new Caller("b", users));
        callers.forEach(Thread::start);
        Thread.sleep(1000);
        String log = upgrade();
        Thread.sleep(1000);
        for (Caller c : callers) {
            c.running.set(false);
            c.join(30_000);
        }

        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> accepted = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Caller c : callers) {
            assertTrue(c.failures.isEmpty(), "no call failed at the HTTP level: " + c.failures);
            c.answers.forEach((subject, r) -> {
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() == 200) {
                    if (!r.body().contains("\"notified\":true") || !r.body().contains("\"resources\":2")) {
                        wrong.add(subject + " 200 " + r.body());
                    }
                    accepted.add(subject);
                } else if (r.statusCode() != 503 || r.headers().firstValue("Retry-After").isEmpty()) {
                    wrong.add(subject + " " + r.statusCode() + " " + r.headers().map() + " " + r.body());
                }
            });
        }
        assertTrue(wrong.isEmpty(), "every answer is 200 (notified) or 503 with Retry-After: " + wrong + "\n" + log);

        // Every resource of the user a call named gets its headline once; nobody gets one for a refused call.
        Map<String, String> userOf = new TreeMap<>();
        callers.forEach(c -> userOf.putAll(c.userOf));
        for (XMPPTCPConnection c : connections) {
            Xmpp.pingServer(c);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> problems;
        do {
            problems = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : received.entrySet()) {
                String bare = e.getKey().substring(0, e.getKey().indexOf('/'));
                Map<String, Integer> seen = new TreeMap<>();
                for (String body : e.getValue()) {
                    seen.merge(body.substring(body.lastIndexOf(": ") + 2), 1, Integer::sum);
                }
                for (String subject : accepted) {
                    if (userOf.get(subject).equals(bare) && seen.getOrDefault(subject, 0) != 1) {
                        problems.add(e.getKey() + " saw " + subject + " " + seen.getOrDefault(subject, 0) + " times");
                    }
                }
                for (String subject : seen.keySet()) {
                    if (!accepted.contains(subject)) {
                        problems.add(e.getKey() + " got " + subject + ", whose call was not answered 200");
                    }
                }
            }
            if (problems.isEmpty()) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertTrue(problems.isEmpty(), problems.size() + " problems, first " + problems.subList(0, Math.min(10, problems.size())));
        assertTrue(closed.isEmpty(), "no session ended: " + closed);
        for (XMPPTCPConnection c : connections) {
            assertTrue(c.isConnected() && c.isAuthenticated());
        }
        int total = statuses.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(accepted.size() > 50, "calls went on through the upgrade: " + statuses);
        System.out.println("mailtoim upgrade: " + total + " calls, answers " + statuses + ", " + accepted.size()
                + " headlines to each of two resources, each once");
    }

    @Test
    @Order(2)
    void aSpentAllowanceStaysSpentAcrossTheUpgrade() throws Exception {
        Path cfg = server.base().resolve("etc").resolve("org.parley.mailtoim.cfg");
        long offset = server.logSize();
        ParleyServer.writeProperties(cfg, Map.of("perUserPerMinute", "1"));
        server.awaitLog(offset, "1 notifications a minute per user", WAIT);
        Account eve = server.newAccount("mu-eve");
        HttpResponse<String> first = http.send(request("user", eve.bareJid().toString(), "from", "x@example.edu"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(429, http.send(request("user", eve.bareJid().toString(), "from", "x@example.edu"),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        upgrade();
        HttpResponse<String> after = http.send(request("user", eve.bareJid().toString(), "from", "x@example.edu"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(429, after.statusCode(), "the successor took the spent bucket: " + after.body());
        Account frank = server.newAccount("mu-frank");
        assertEquals(200, http.send(request("user", frank.bareJid().toString(), "from", "x@example.edu"),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "others still get theirs");
    }
}
