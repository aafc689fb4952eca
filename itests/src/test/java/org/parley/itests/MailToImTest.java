package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mail to IM over real HTTPS (issue 13): the mail system's call with its own token brings the
 * user's online resources a headline with the sender and subject; a user who is offline gets
 * nothing; a missing or wrong token, a malformed call and an unknown user each get a clear HTTP
 * error and send nothing; and a user's notifications are rate-limited.
 */
class MailToImTest {
    private static final String TOKEN = "relay-token-" + "5f1c0d2e9a7b4c3d8e6f";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, im, mailtoim")
            .set("org.parley.mailtoim.cfg", "tokens", "relay:" + sha256(TOKEN))
            .set("org.parley.mailtoim.cfg", "perUserPerMinute", 3)
            .build();

    private static HttpClient http;

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until HTTPS answers: Jetty starts a few seconds after the http bundle has configured it. */
    @BeforeAll
    static void client() throws Exception {
        http = HttpClient.newBuilder().sslContext(server.sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpsPort() + "/mail/arrived")).GET().build();
        ParleyServer.awaitHttps(http, probe, status -> true, Duration.ofSeconds(60));
    }

    private static HttpResponse<String> call(String token, String... fields) throws Exception {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(fields[i]).append('=').append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpsPort() + "/mail/arrived"))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Message> headlines(XMPPTCPConnection c) {
        List<Message> got = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> got.add((Message) s), s -> s instanceof Message m && m.getType() == Message.Type.headline);
        return got;
    }

    @Test
    void anOnlineUserIsToldWhoWroteAndAbout_onEveryResource() throws Exception {
        Account alice = server.newAccount("mail-alice");
        XMPPTCPConnection phone = server.login(alice, "phone");
        XMPPTCPConnection laptop = server.login(alice, "laptop");
        List<Message> onPhone = headlines(phone);
        List<Message> onLaptop = headlines(laptop);
        Xmpp.pingServer(phone);
        Xmpp.pingServer(laptop);

        HttpResponse<String> r = call(TOKEN, "user", alice.bareJid().getLocalpart().toString(), "from", "Dean <dean@example.edu>",
                "subject", "Exam timetable & rooms");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"notified\":true") && r.body().contains("\"resources\":2"), r.body());
        RosterTest.await("both resources get it", () -> onPhone.size() == 1 && onLaptop.size() == 1);
        Message m = onPhone.get(0);
        assertEquals("New mail from Dean <dean@example.edu>: Exam timetable & rooms", m.getBody());
        assertEquals(ParleyServer.DOMAIN, m.getFrom().toString());
    }

    @Test
    void anOfflineUserGetsNothing_andTheCallerIsToldSo() throws Exception {
        Account bob = server.newAccount("mail-bob");
        HttpResponse<String> r = call(TOKEN, "user", bob.bareJid().toString(), "from", "someone@example.edu", "subject", "hello");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"notified\":false"), r.body());
        XMPPTCPConnection later = server.login(bob, "r");
        List<Message> got = headlines(later);
        Xmpp.pingServer(later);
        Thread.sleep(300);
        assertTrue(got.isEmpty(), "a headline is not kept for later: " + got);
    }

    @Test
    void badCallsGetClearErrorsAndSendNothing() throws Exception {
        Account carol = server.newAccount("mail-carol");
        XMPPTCPConnection c = server.login(carol, "r");
        List<Message> got = headlines(c);
        String user = carol.bareJid().toString();

        HttpResponse<String> none = call(null, "user", user, "from", "x@example.edu");
        assertEquals(401, none.statusCode());
        assertNotNull(none.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(401, call("wrong-token", "user", user, "from", "x@example.edu").statusCode());
        assertEquals(401, call(sha256(TOKEN), "user", user, "from", "x@example.edu").statusCode(), "the stored hash is no token");

        HttpResponse<String> noFrom = call(TOKEN, "user", user);
        assertEquals(400, noFrom.statusCode());
        assertTrue(noFrom.body().contains("'from'"), noFrom.body());
        HttpResponse<String> otherDomain = call(TOKEN, "user", "carol@elsewhere.example", "from", "x@example.edu");
        assertEquals(400, otherDomain.statusCode());
        assertTrue(otherDomain.body().contains("'user'"), otherDomain.body());
        assertEquals(400, call(TOKEN, "user", user, "from", "x@example.edu", "subject", "s".repeat(1001)).statusCode());
        HttpResponse<String> unknown = call(TOKEN, "user", "nobody-here", "from", "x@example.edu");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("no user"), unknown.body());

        HttpRequest get = HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpsPort() + "/mail/arrived"))
                .header("Authorization", "Bearer " + TOKEN).GET().build();
        assertEquals(405, http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());

        Xmpp.pingServer(c);
        Thread.sleep(300);
        assertTrue(got.isEmpty(), "nothing reached carol: " + got);
    }

    @Test
    void aUsersNotificationsAreRateLimited() throws Exception {
        Account dave = server.newAccount("mail-dave");
        XMPPTCPConnection c = server.login(dave, "r");
        List<Message> got = headlines(c);
        Xmpp.pingServer(c); // her initial presence is in before the first call
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = call(TOKEN, "user", dave.bareJid().toString(), "from", "list@example.edu", "subject", "digest " + i);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"notified\":true"), r.body());
        }
        HttpResponse<String> limited = call(TOKEN, "user", dave.bareJid().toString(), "from", "list@example.edu", "subject", "one more");
        assertEquals(429, limited.statusCode(), limited.body());
        assertTrue(limited.headers().firstValue("Retry-After").isPresent());
        RosterTest.await("the three allowed arrive", () -> got.size() == 3);
        Xmpp.pingServer(c);
        Thread.sleep(300);
        assertEquals(3, got.size(), "the fourth was not sent");
    }
}
