package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.itests.AdminClient.map;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin REST API through a real HTTPS client against the real server: sign-in, sessions,
 * CSRF, API tokens, users and their sessions, bundles and configuration, and every bad input of
 * issue 14, each refused with its reason and changing nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {
    static final String ADMIN_CFG = "org.parley.admin.cfg";

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, im, admin")
            .set(ADMIN_CFG, "failuresPerAccount", 3)
            .set(ADMIN_CFG, "failuresPerAddress", 50)
            .build();

    static AdminClient admin;

    @BeforeAll
    static void signIn() throws Exception {
        admin = AdminClient.signedInAsInitialAdmin(server, Duration.ofSeconds(30));
    }

    // ---- HTTPS and the security headers ----

    @Test
    void theApiIsServedOverTlsWithTheXmppCertificateAndNoPlainHttp() throws Exception {
        AdminClient.Answer a = admin.send("GET", "/api/openapi.json", null, null, false, false);

        assertEquals(200, a.status());
        assertEquals(server.certificate(), a.tls().orElseThrow().getPeerCertificates()[0], "the tls bundle's certificate");
        assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(a.tls().orElseThrow().getProtocol()));
        assertEquals("3.0.3", a.json().get("openapi").asText());
        assertTrue(a.json().get("paths").has("/api/users/{username}/sessions"));
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpsPort() + "/api/openapi.json"))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> r = plain.send(request, HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() >= 400 && !r.body().contains("openapi"), "plain HTTP is not served: " + r.statusCode());
        } catch (java.io.IOException expected) {
            // the TLS port closes a plain-HTTP connection: also fine
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndIsNotCached() throws Exception {
        for (AdminClient.Answer a : List.of(admin.call("GET", "/api/users"), admin.send("GET", "/api/users", null, null, false, false),
                admin.send("GET", "/nothing-here", null, null, false, false))) {
            String csp = a.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
            assertEquals("nosniff", a.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertTrue(a.headers().firstValue("Strict-Transport-Security").orElse("").startsWith("max-age="));
            assertEquals("DENY", a.headers().firstValue("X-Frame-Options").orElse(null));
            assertEquals("no-store", a.headers().firstValue("Cache-Control").orElse(null));
        }
    }

    // ---- sign-in ----

    @Test
    void signingInSetsASecureHttpOnlySameSiteStrictCookieWithAnExpiry() throws Exception {
        AdminClient other = new AdminClient(server);
        AdminClient.Answer a = other.signIn("admin", AdminClient.initialAdminPassword(server));

        String cookie = a.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("__Host-parley-session="), cookie);
        for (String attribute : List.of("Secure", "HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=")) {
            assertTrue(cookie.contains(attribute), attribute + " in " + cookie);
        }
        JsonNode session = other.call("GET", "/api/session").json();
        assertEquals("admin", session.get("admin").asText());
        assertEquals(other.csrf, session.get("csrfToken").asText());
        assertNotNull(session.get("expiresAt"));
        assertEquals(204, other.call("DELETE", "/api/session").status());
        AdminClient.Answer after = other.call("GET", "/api/session");
        assertEquals(401, after.status(), "signed out");
    }

    @Test
    void aWrongPasswordAnUnknownUserAndANonAdminAreRefused() throws Exception {
        Account alice = server.newAccount("adm-alice");
        AdminClient c = new AdminClient(server);

        AdminClient.Answer wrong = c.signIn("admin", "not-the-password");
        assertEquals(401, wrong.status());
        assertEquals("wrong username or password", wrong.error());
        assertEquals(401, c.signIn("nobody-here", "whatever").status());
        AdminClient.Answer notAdmin = c.signIn(alice.local(), alice.password());
        assertEquals(403, notAdmin.status());
        assertTrue(notAdmin.error().contains("is not an administrator"), notAdmin.error());
        assertTrue(notAdmin.headers().firstValue("Set-Cookie").isEmpty(), "no session for a non-admin");
        assertEquals(401, c.call("GET", "/api/users").status());
    }

    @Test
    void malformedJsonAndAWrongContentTypeAreRefused() throws Exception {
        AdminClient.Answer malformed = admin.send("POST", "/api/users", "application/json", "{\"username\": \"x\", ", true, true);
        assertEquals(400, malformed.status());
        assertTrue(malformed.error().startsWith("malformed JSON"), malformed.error());
        AdminClient.Answer notObject = admin.send("POST", "/api/users", "application/json", "[1, 2]", true, true);
        assertEquals(400, notObject.status());
        AdminClient.Answer form = admin.send("POST", "/api/users", "application/x-www-form-urlencoded", "username=x&password=y", true, true);
        assertEquals(415, form.status());
        AdminClient.Answer wrongType = admin.call("POST", "/api/users", map("username", 42, "password", "pw"));
        assertEquals(400, wrongType.status());
        assertEquals("'username' must be a string", wrongType.error());
        assertEquals(404, admin.call("GET", "/api/users/x").status(), "nothing was created");
    }

    @Test
    void aChangeWithoutOrWithAWrongCsrfTokenChangesNothing() throws Exception {
        String body = AdminClient.JSON.writeValueAsString(map("username", "csrf-victim", "password", "pw-123456"));

        AdminClient.Answer missing = admin.send("POST", "/api/users", "application/json", body, true, false);
        assertEquals(403, missing.status());
        assertTrue(missing.error().contains("CSRF"), missing.error());
        AdminClient.Answer wrong = admin.raw("POST", "/api/users", "application/json", HttpRequest.BodyPublishers.ofString(body),
                "Cookie", admin.cookie, "X-CSRF-Token", admin.csrf.substring(1) + "x");
        assertEquals(403, wrong.status());
        assertTrue(wrong.error().contains("does not match"), wrong.error());
        assertEquals(404, admin.call("GET", "/api/users/csrf-victim").status(), "no account was created");
        assertEquals(201, admin.call("POST", "/api/users", map("username", "csrf-victim", "password", "pw-123456")).status());
    }

    // ---- users and sessions ----

    @Test
    void usersAreCreatedFoundReachableAndDeleted() throws Exception {
        AdminClient.Answer created = admin.call("POST", "/api/users", map("username", "Carol-Api", "password", "pw-carol-1"));
        assertEquals(201, created.status(), created::toString);
        assertEquals("carol-api", created.json().get("username").asText(), "prepared like an XMPP localpart");
        assertEquals(409, admin.call("POST", "/api/users", map("username", "carol-api", "password", "x")).status());
        JsonNode found = admin.call("GET", "/api/users?q=carol").json();
        assertEquals(1, found.get("total").asInt());
        assertEquals("carol-api@localhost", found.get("users").get(0).get("jid").asText());

        XMPPTCPConnection carol = server.login(new Account("carol-api", "pw-carol-1", ParleyServer.DOMAIN));
        assertTrue(carol.isAuthenticated());
        assertEquals(204, admin.call("PUT", "/api/users/carol-api/password", map("password", "pw-carol-2")).status());
        assertTrue(server.login(new Account("carol-api", "pw-carol-2", ParleyServer.DOMAIN)).isAuthenticated(), "the new password works");
        assertThrows(Exception.class, () -> server.login(new Account("carol-api", "pw-carol-1", ParleyServer.DOMAIN)));

        assertEquals(204, admin.call("DELETE", "/api/users/carol-api").status());
        assertEquals(404, admin.call("GET", "/api/users/carol-api").status());
    }

    @Test
    void anUnknownUserIsRefusedByEveryUserOperation() throws Exception {
        for (AdminClient.Answer a : List.of(admin.call("GET", "/api/users/no-such-user"), admin.call("DELETE", "/api/users/no-such-user"),
                admin.call("PUT", "/api/users/no-such-user/password", map("password", "pw")),
                admin.call("GET", "/api/users/no-such-user/sessions"), admin.call("POST", "/api/users/no-such-user/disable"),
                admin.call("DELETE", "/api/users/no-such-user/sessions/abc"))) {
            assertEquals(404, a.status(), a::toString);
            assertEquals("no account no-such-user on localhost", a.error());
        }
        assertEquals(400, admin.call("GET", "/api/users/bad@name@x").status(), "not an account name");
    }

    @Test
    void aUsersSessionsShowAddressTlsAndMechanismAndOneCanBeEnded() throws Exception {
        Account dave = server.newAccount("adm-dave");
        XMPPTCPConnection laptop = server.login(dave, "laptop");
        XMPPTCPConnection phone = server.login(dave, "phone");

        JsonNode sessions = admin.call("GET", "/api/users/" + dave.local() + "/sessions").json().get("sessions");
        assertEquals(2, sessions.size(), sessions::toString);
        JsonNode laptopSession = null;
        for (JsonNode s : sessions) {
            assertEquals("127.0.0.1", s.get("address").asText());
            assertTrue(s.get("secure").asBoolean());
            assertTrue(s.get("tlsProtocol").asText().startsWith("TLSv1."), s::toString);
            assertTrue(s.get("tlsCipherSuite").asText().startsWith("TLS_"), s::toString);
            assertTrue(s.get("saslMechanism").asText().startsWith("SCRAM-SHA-"), s::toString);
            if (s.get("resource").asText().equals("laptop")) {
                laptopSession = s;
            }
        }
        assertNotNull(laptopSession);

        assertEquals(204, admin.call("DELETE", "/api/users/" + dave.local() + "/sessions/" + laptopSession.get("id").asText()).status());
        long deadline = System.currentTimeMillis() + 10_000;
        while (laptop.isConnected() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(laptop.isConnected(), "the ended session's connection is closed");
        assertTrue(phone.isConnected(), "the other session stays");
        assertEquals(1, admin.call("GET", "/api/users/" + dave.local() + "/sessions").json().get("sessions").size());
        assertEquals(404, admin.call("DELETE", "/api/users/" + dave.local() + "/sessions/no-such-session").status());
    }

    @Test
    void aDisabledAccountCannotSignInUntilEnabled() throws Exception {
        Account erin = server.newAccount("adm-erin");
        AdminClient.Answer disabled = admin.call("POST", "/api/users/" + erin.local() + "/disable");
        assertEquals(200, disabled.status(), disabled::toString);
        assertTrue(disabled.json().get("disabled").asBoolean());
        assertThrows(Exception.class, () -> server.login(erin));
        assertEquals(200, admin.call("POST", "/api/users/" + erin.local() + "/enable").status());
        assertTrue(server.login(erin).isAuthenticated());
    }

    // ---- API tokens ----

    @Test
    void anApiTokenAuthenticatesUntilRevokedAndItsSecretIsNeverListed() throws Exception {
        AdminClient.Answer created = admin.call("POST", "/api/tokens", map("name", "monitoring"));
        assertEquals(201, created.status(), created::toString);
        String secret = created.json().get("token").asText();
        String id = created.json().get("id").asText();

        AdminClient.Answer withToken = admin.raw("GET", "/api/users?q=admin", null, HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + secret);
        assertEquals(200, withToken.status());
        AdminClient.Answer change = admin.raw("POST", "/api/users", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"username\":\"by-token\",\"password\":\"pw-by-token\"}"), "Authorization", "Bearer " + secret);
        assertEquals(201, change.status(), "a token needs no CSRF token: it is not sent by browsers on their own");
        JsonNode listed = admin.call("GET", "/api/tokens").json().get("tokens");
        assertFalse(listed.toString().contains(secret), "the secret is shown once only");
        assertTrue(listed.toString().contains("monitoring"));

        assertEquals(204, admin.call("DELETE", "/api/tokens/" + id).status());
        AdminClient.Answer revoked = admin.raw("GET", "/api/users", null, HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer " + secret);
        assertEquals(401, revoked.status());
        assertTrue(revoked.error().contains("revoked"), revoked.error());
        AdminClient.Answer unknown = admin.raw("GET", "/api/users", null, HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer prl_made-up");
        assertEquals(401, unknown.status());
        assertEquals("unknown API token", unknown.error());
        assertEquals(404, admin.call("DELETE", "/api/tokens/" + id + "x").status());
    }

    // ---- configuration ----

    @Test
    void aConfigurationValueOutOfRangeIsRefusedWithItsKeyAndNothingChanges() throws Exception {
        Path file = server.base().resolve("etc/org.parley.http.cfg");
        String before = Files.readString(file);
        AdminClient.Answer refused = admin.call("PATCH", "/api/config/org.parley.http", map("port", "70000"));

        assertEquals(422, refused.status(), refused::toString);
        assertTrue(refused.error().contains("key 'port'") && refused.error().contains("70000 is above the maximum 65535 (allowed: 1 to 65535"),
                refused.error());
        assertEquals(before, Files.readString(file), "the file is not touched");
        assertEquals(Integer.toString(server.httpsPort()), value(admin.call("GET", "/api/config/org.parley.http").json(), "port"));
        AdminClient.Answer notANumber = admin.call("PATCH", "/api/config/org.parley.admin", map("failuresPerAddress", "many"));
        assertEquals(422, notANumber.status());
        assertTrue(notANumber.error().contains("key 'failuresPerAddress'"), notANumber.error());
        AdminClient.Answer unknownKey = admin.call("PATCH", "/api/config/org.parley.admin", map("noSuchKey", "1"));
        assertEquals(422, unknownKey.status());
        assertTrue(unknownKey.error().contains("key 'noSuchKey' is not a setting"), unknownKey.error());
        assertEquals(404, admin.call("GET", "/api/config/org.example.nothing").status());
        assertEquals(400, admin.send("PATCH", "/api/config/org.parley.admin", "application/json", "{oops", true, true).status());
        // The roster's limits carry their range in the metatype: refused here, not written for the roster to refuse.
        AdminClient.Answer noItems = admin.call("PATCH", "/api/config/org.parley.roster", map("maxItems", "0"));
        assertEquals(422, noItems.status(), noItems::toString);
        assertTrue(noItems.error().contains("key 'maxItems' refused: 0 is below the minimum 1"), noItems.error());
    }

    @Test
    void aValidConfigurationChangeIsWrittenToEtcAndAppliedLive() throws Exception {
        AdminClient.Answer applied = admin.call("PATCH", "/api/config/org.parley.admin", map("failuresPerAddress", "60"));

        assertEquals(200, applied.status(), applied::toString);
        assertTrue(Files.readString(server.base().resolve("etc/" + ADMIN_CFG)).contains("failuresPerAddress = 60"));
        assertEquals("60", value(admin.call("GET", "/api/config/org.parley.admin").json(), "failuresPerAddress"));
        JsonNode pids = admin.call("GET", "/api/config").json().get("configurations");
        assertTrue(pids.toString().contains("\"org.parley.roster\""), "every metatype-described component is listed");
    }

    @Test
    void secretsAreNeverShown() throws Exception {
        JsonNode storage = admin.call("GET", "/api/config/org.parley.storage.jdbc").json();
        for (JsonNode a : storage.get("attributes")) {
            if (a.get("key").asText().equals("password")) {
                assertTrue(a.get("secret").asBoolean());
                assertTrue(a.get("value").isNull() || a.get("value").asText().equals("********"), a::toString);
                return;
            }
        }
        throw new AssertionError("no password attribute in " + storage);
    }

    private static String value(JsonNode configuration, String key) {
        for (JsonNode a : configuration.get("attributes")) {
            if (a.get("key").asText().equals(key)) {
                return a.get("value").asText();
            }
        }
        throw new AssertionError("no attribute " + key + " in " + configuration);
    }

    // ---- bundles ----

    @Test
    void bundlesAreListedWithVersionAndState() throws Exception {
        JsonNode bundles = admin.call("GET", "/api/bundles").json().get("bundles");
        JsonNode im = find(bundles, "org.parley.im");
        assertEquals("ACTIVE", im.get("state").asText());
        assertEquals(Bundles.version(Bundles.imJar(server.dist())), im.get("version").asText());
        assertTrue(im.get("parley").asBoolean());
    }

    @Test
    void aJarThatIsNotABundleOrNotParleysOrDoesNotResolveIsRefusedAndTheRunningVersionStays() throws Exception {
        String running = Bundles.version(Bundles.imJar(server.dist()));
        Path notAJar = server.base().resolve("not-a-jar.jar");
        Files.writeString(notAJar, "just text");
        Path noManifest = server.base().resolve("plain.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(noManifest))) {
            out.putNextEntry(new JarEntry("hello.txt"));
            out.write("hi".getBytes());
            out.closeEntry();
        }
        Path thirdParty = find(server.dist().resolve("system/commons-io"), "commons-io-");
        Path unresolvable = server.base().resolve("im-unresolvable.jar");
        Bundles.copyWithManifest(Bundles.imJar(server.dist()), unresolvable, "98.0.0", "org.example.nowhere;version=\"[1.0,2)\"");
        Path older = server.base().resolve("im-older.jar");
        Bundles.copyWithVersion(Bundles.imJar(server.dist()), older, "0.0.1");

        AdminClient.Answer a1 = admin.upload(notAJar);
        assertEquals(422, a1.status());
        assertTrue(a1.error().contains("not an OSGi bundle"), a1.error());
        AdminClient.Answer a2 = admin.upload(noManifest);
        assertEquals(422, a2.status());
        assertTrue(a2.error().contains("not an OSGi bundle"), a2.error());
        AdminClient.Answer a3 = admin.upload(thirdParty);
        assertEquals(422, a3.status());
        assertTrue(a3.error().contains("is not a Parley bundle"), a3.error());
        AdminClient.Answer a4 = admin.upload(unresolvable);
        assertEquals(422, a4.status());
        assertTrue(a4.error().contains("does not resolve") && a4.error().contains("org.example.nowhere"), a4.error());
        AdminClient.Answer a5 = admin.upload(older);
        assertEquals(409, a5.status());
        assertTrue(a5.error().contains("is not newer"), a5.error());

        JsonNode im = admin.call("GET", "/api/bundles/org.parley.im").json();
        assertEquals(running, im.get("version").asText());
        assertEquals("ACTIVE", im.get("state").asText());
        try (var files = Files.list(server.base().resolve("deploy"))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList(),
                    "nothing reached deploy/");
        }
        assertFalse(admin.call("GET", "/api/bundles").body().contains("probe"), "the resolve probe is gone");
        XMPPTCPConnection c = server.login(server.newAccount("adm-ping"));
        Xmpp.pingServer(c); // im still answers
    }

    @Test
    void theConsolesOwnBundlesCannotBeStoppedFromIt() throws Exception {
        AdminClient.Answer a = admin.call("POST", "/api/bundles/org.parley.http/stop");
        assertEquals(409, a.status());
        assertEquals(404, admin.call("POST", "/api/bundles/org.example.none/stop").status());
    }

    // ---- rooms ----

    @Test
    void roomsAreListedWithTheirOccupantsAndDestroyedWithANotice() throws Exception {
        Account owner = server.newAccount("adm-owner");
        Account guest = server.newAccount("adm-guest");
        XMPPTCPConnection o = server.login(owner);
        XMPPTCPConnection g = server.login(guest);
        org.jxmpp.jid.EntityBareJid roomJid = org.jxmpp.jid.impl.JidCreate.entityBareFrom("ops-room@conference.localhost");
        org.jivesoftware.smackx.muc.MultiUserChat ownerView = MucTest.instantRoom(o, roomJid, "boss");
        org.jivesoftware.smackx.muc.MultiUserChat guestView = org.jivesoftware.smackx.muc.MultiUserChatManager.getInstanceFor(g)
                .getMultiUserChat(roomJid);
        guestView.join(MucTest.nick("visitor"));
        java.util.concurrent.CountDownLatch destroyed = new java.util.concurrent.CountDownLatch(1);
        String[] reason = new String[1];
        guestView.addUserStatusListener(new org.jivesoftware.smackx.muc.UserStatusListener() {
            @Override
            public void roomDestroyed(org.jivesoftware.smackx.muc.MultiUserChat alternate, String password, String why) {
                reason[0] = why;
                destroyed.countDown();
            }
        });

        JsonNode list = admin.call("GET", "/api/rooms").json();
        assertEquals("conference.localhost", list.get("domain").asText());
        assertTrue(list.get("rooms").toString().contains("ops-room@conference.localhost"), list::toString);
        JsonNode room = admin.call("GET", "/api/rooms/ops-room").json();
        assertEquals(2, room.get("occupants").asInt(), room::toString);
        List<String> occupants = new ArrayList<>();
        room.get("occupantList").forEach(x -> occupants.add(x.get("nick").asText() + " " + x.get("affiliation").asText()
                + " " + x.get("jid").asText().startsWith(x.get("nick").asText().equals("boss") ? owner.jid() : guest.jid())));
        occupants.sort(null);
        assertEquals(List.of("boss owner true", "visitor none true"), occupants);

        assertEquals(204, admin.call("DELETE", "/api/rooms/ops-room@conference.localhost?reason=closed%20by%20ops").status());
        assertTrue(destroyed.await(10, java.util.concurrent.TimeUnit.SECONDS), "the occupants are told the room is destroyed");
        assertEquals("closed by ops", reason[0]);
        assertEquals(404, admin.call("GET", "/api/rooms/ops-room").status());
        assertEquals(404, admin.call("DELETE", "/api/rooms/ops-room").status());
        assertTrue(ownerView != null);
    }

    // ---- the audit log ----

    @Test
    @Order(2_000_000_001)
    void theAuditLogSaysWhoChangedWhatWhenAndFromWhere() throws Exception {
        admin.call("POST", "/api/users", map("username", "audited-user", "password", "pw-audited"));
        admin.call("DELETE", "/api/users/no-such-audited-user");

        JsonNode entries = admin.call("GET", "/api/audit?limit=50").json().get("entries");
        JsonNode created = null;
        JsonNode refused = null;
        for (JsonNode e : entries) {
            if (e.get("target").asText().equals("/api/users") && e.get("action").asText().equals("POST") && created == null) {
                created = e;
            }
            if (e.get("target").asText().equals("/api/users/no-such-audited-user")) {
                refused = e;
            }
        }
        assertNotNull(created, entries::toString);
        assertEquals("admin", created.get("actor").asText());
        assertEquals("127.0.0.1", created.get("address").asText());
        assertEquals("ok", created.get("outcome").asText());
        assertNotNull(created.get("at").asText());
        assertNotNull(refused, entries::toString);
        assertEquals("refused", refused.get("outcome").asText());
        assertTrue(refused.get("detail").asText().contains("404"), refused::toString);
        boolean signInLogged = false;
        for (JsonNode e : entries) {
            signInLogged |= e.get("target").asText().equals("/api/session") && e.get("outcome").asText().equals("ok");
        }
        assertTrue(signInLogged, "sign-ins are audited");
        boolean configLogged = false;
        for (JsonNode e : entries) {
            configLogged |= e.get("target").asText().equals("/api/config/org.parley.admin") && e.get("outcome").asText().equals("ok")
                    && e.get("detail").asText().contains("failuresPerAddress=60");
        }
        assertTrue(configLogged, "a configuration change is audited with what it set: " + entries);
    }

    // ---- last: throttling blocks the admin account for a while, and expiry changes the console's settings ----

    @Test
    @Order(2_000_000_002)
    void anAccountIsThrottledAfterItsFailedSignIns() throws Exception {
        AdminClient c = new AdminClient(server);
        assertEquals(201, c.signIn("admin", AdminClient.initialAdminPassword(server)).status(), "a success clears earlier failures");
        c.cookie = null;
        for (int i = 0; i < 3; i++) {
            assertEquals(401, c.signIn("admin", "wrong-" + i).status());
        }
        AdminClient.Answer throttled = c.signIn("admin", AdminClient.initialAdminPassword(server));
        assertEquals(429, throttled.status(), "even the right password waits");
        assertTrue(Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow()) > 0);
        assertNull(c.cookie);
        assertEquals(200, admin.call("GET", "/api/session").status(), "a session signed in before goes on");
    }

    @Test
    @Order(2_000_000_003)
    void anExpiredSessionIsToldToSignInAgain() throws Exception {
        AdminClient.Answer token = admin.call("POST", "/api/tokens", map("name", "restore"));
        String secret = token.json().get("token").asText();
        assertEquals(200, admin.call("PATCH", "/api/config/org.parley.admin", map("sessionIdleSeconds", "10")).status());

        Thread.sleep(11_000);
        AdminClient.Answer expired = admin.call("GET", "/api/users");
        assertEquals(401, expired.status());
        assertTrue(expired.error().contains("expired"), expired.error());
        AdminClient.Answer restored = admin.raw("PATCH", "/api/config/org.parley.admin", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"sessionIdleSeconds\": \"1800\"}"), "Authorization", "Bearer " + secret);
        assertEquals(200, restored.status(), restored::toString);
    }

    static JsonNode find(JsonNode bundles, String symbolicName) {
        for (JsonNode b : bundles) {
            if (b.get("symbolicName").asText().equals(symbolicName)) {
                return b;
            }
        }
        throw new AssertionError(symbolicName + " is not listed");
    }

    static Path find(Path directory, String prefix) throws Exception {
        List<Path> found = new ArrayList<>();
        try (var walk = Files.walk(directory)) {
            walk.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".jar")).forEach(found::add);
        }
        return found.get(0);
    }
}
