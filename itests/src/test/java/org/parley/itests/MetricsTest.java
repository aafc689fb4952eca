package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics endpoint of a real server, scraped over HTTP as Prometheus does and read with the
 * reference parser of the Prometheus text format (the Python client's, Debian's
 * python3-prometheus-client): every family parses, and the values follow what the clients did.
 */
class MetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("org.parley.auth.cfg", "failureThreshold", 1000).build();

    static HttpResponse<String> scrape(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What the reference parser read: "family NAME" to its type, "NAME{labels}" to its value. */
    static Map<String, String> parse(String exposition) throws Exception {
        Path script = Files.createTempFile("parse_metrics", ".py");
        try (InputStream in = MetricsTest.class.getResourceAsStream("/parse_metrics.py")) {
            Files.write(script, in.readAllBytes());
        }
        // Debian's interpreter, where Debian's python3-prometheus-client is installed.
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString()).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "the Prometheus parser refused the exposition: " + err + "\n" + exposition);
        Files.delete(script);
        Map<String, String> read = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] w = line.split(" ");
            if (w[0].equals("family")) {
                read.put("family " + w[1], w[2]);
            } else if (w[0].equals("sample")) {
                read.put(w[1] + "{" + (w[2].equals("-") ? "" : w[2]) + "}", w[3]);
            }
        }
        return read;
    }

    static double value(Map<String, String> read, String key) {
        String v = read.get(key);
        assertTrue(v != null, "no sample " + key + " in " + read.keySet());
        return Double.parseDouble(v);
    }

    @Test
    void aScrapeParsesWithThePrometheusParserAndFollowsTheTraffic() throws Exception {
        Account aliceAccount = server.newAccount("met");
        XMPPTCPConnection alice = server.login(aliceAccount, "a");
        XMPPTCPConnection bob = server.login(server.newAccount("met"), "b");
        Account away = server.newAccount("away");
        XMPPTCPConnection wrong = server.newConnection(server.smackConfig(aliceAccount.withPassword("nope"), "x").build());
        try {
            wrong.connect();
            wrong.login();
        } catch (SASLErrorException expected) {
            // counted as a failure
        }
        wrong.disconnect();
        Inbox inbox = Inbox.of(bob);
        for (int i = 0; i < 30; i++) {
            alice.sendStanza(Xmpp.chat(alice, bob.getUser().asEntityBareJid(), "m" + i));
        }
        for (int i = 0; i < 30; i++) {
            inbox.next(WAIT, "message " + i);
        }
        alice.sendStanza(Xmpp.chat(alice, away.bareJid(), "for later"));
        Xmpp.pingServer(alice);

        HttpResponse<String> response = scrape(server.metricsPort(), "/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        Map<String, String> read = parse(response.body());

        assertEquals("gauge", read.get("family parley_sessions"));
        assertEquals(2.0, value(read, "parley_sessions{state=connected}"));
        assertEquals(0.0, value(read, "parley_sessions{state=detached}"));
        assertEquals(2.0, value(read, "parley_online_users{}"));
        assertEquals("counter", read.get("family parley_stanzas_received"));
        assertTrue(value(read, "parley_stanzas_received_total{kind=message}") >= 31, read.toString());
        assertTrue(value(read, "parley_stanzas_received_total{kind=presence}") >= 2);
        assertTrue(value(read, "parley_stanzas_received_total{kind=iq}") >= 1);
        assertTrue(value(read, "parley_logins_total{}") >= 2);
        assertTrue(value(read, "parley_auth_failures_total{condition=not-authorized}") >= 1);
        assertEquals(1.0, value(read, "parley_offline_messages{}"));
        assertTrue(value(read, "parley_offline_bytes{}") > 0);
        assertTrue(value(read, "parley_worker_pool_queued_tasks{}") >= 0);
        assertTrue(read.keySet().stream().anyMatch(k -> k.startsWith("parley_distinct_users_this_week{week=")), read.toString());
        assertTrue(value(read, "jvm_memory_used_bytes{area=heap}") > 0);
        assertEquals("summary", read.get("family jvm_gc_collection_seconds"));
        assertTrue(read.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_collection_seconds_count{gc=")), read.toString());
        assertTrue(value(read, "process_start_time_seconds{}") > 1.7e9);

        alice.disconnect();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (value(parse(scrape(server.metricsPort(), "/metrics").body()), "parley_online_users{}") != 1.0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1.0, value(parse(scrape(server.metricsPort(), "/metrics").body()), "parley_online_users{}"));
    }

    /** Waits until a sample reads this value. */
    private static void awaitValue(String key, double expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (value(parse(scrape(server.metricsPort(), "/metrics").body()), key) != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(expected, value(parse(scrape(server.metricsPort(), "/metrics").body()), key), key);
    }

    @Test
    void stanzasAClientHasNotAcknowledgedAreCountedUntilItsSessionEnds() throws Exception {
        double sessionsBefore = value(parse(scrape(server.metricsPort(), "/metrics").body()), "parley_sessions{state=connected}");
        Account quietAccount = server.newAccount("unacked");
        RawXmppClient quiet = server.track(RawXmppClient.connect(server.c2sPort()));
        quiet.login(quietAccount, "sm", server.sslContext());
        quiet.send("<enable xmlns='urn:xmpp:sm:3'/>");
        quiet.await(java.util.regex.Pattern.compile("<enabled\\b"), WAIT);
        quiet.send("<presence/>");
        XMPPTCPConnection sender = server.login(server.newAccount("sender"), "s");
        org.jxmpp.jid.Jid to = org.jxmpp.jid.impl.JidCreate.from(quietAccount.jid() + "/sm");
        for (int i = 0; i < 5; i++) {
            // Headlines: what the client never acknowledged is dropped with its session, not kept offline.
            sender.sendStanza(sender.getStanzaFactory().buildMessageStanza().to(to)
                    .ofType(org.jivesoftware.smack.packet.Message.Type.headline).setBody("unacked " + i).build());
        }
        quiet.await(java.util.regex.Pattern.compile("unacked 4"), WAIT); // received, and never acknowledged
        Map<String, String> read = parse(scrape(server.metricsPort(), "/metrics").body());
        assertEquals("gauge", read.get("family parley_unacknowledged_stanzas"));
        assertTrue(value(read, "parley_unacknowledged_stanzas{}") >= 5, read.toString());
        assertTrue(value(read, "parley_unacknowledged_stanzas_max{}") >= 5, read.toString());

        quiet.close(); // no resumption asked for: the session ends, and its queue with it
        sender.disconnect();
        awaitValue("parley_sessions{state=connected}", sessionsBefore);
        assertTrue(value(parse(scrape(server.metricsPort(), "/metrics").body()), "parley_unacknowledged_stanzas_max{}") < 5);
    }

    @Test
    void badRequestsGetTheirHttpErrorsAndTheListenerIsConfiguredLive() throws Exception {
        assertEquals(404, scrape(server.metricsPort(), "/").statusCode());
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());

        long offset = server.logSize();
        rewrite("port", "0");
        server.awaitLog(offset, "Refused the new metrics configuration (org.parley.metrics): key 'port': 0", WAIT);
        assertEquals(200, scrape(server.metricsPort(), "/metrics").statusCode(), "the old listener keeps serving");

        int moved = FreePorts.next();
        offset = server.logSize();
        rewrite("port", Integer.toString(moved));
        server.awaitLog(offset, "Metrics for Prometheus on http://127.0.0.1:" + moved + "/metrics", WAIT);
        assertEquals(200, scrape(moved, "/metrics").statusCode());
        rewrite("port", Integer.toString(server.metricsPort()));
        server.awaitLog(offset, "Metrics for Prometheus on http://127.0.0.1:" + server.metricsPort() + "/metrics", WAIT);
        assertEquals(200, scrape(server.metricsPort(), "/metrics").statusCode());
    }

    private static void rewrite(String key, String value) throws Exception {
        Path file = server.base().resolve("etc").resolve("org.parley.metrics.cfg");
        String cfg = Files.readString(file).replaceAll("(?m)^" + key + "\\s*=.*$", key + " = " + value);
        assertTrue(cfg.contains(key + " = " + value), "the harness wrote " + key);
        Path tmp = file.resolveSibling("metrics.cfg.tmp");
        Files.writeString(tmp, cfg);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
