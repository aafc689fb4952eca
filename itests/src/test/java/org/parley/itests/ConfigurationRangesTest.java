package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.itests.AdminClient.map;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;

/**
 * A number out of its range, changed through the admin console (REST and the HTML form), is
 * refused by the console with the key, the bound it crossed and the allowed range: etc/ is not
 * touched, the running configuration is the one before, and the bundle never sees the value.
 * A value at the bound is accepted and in force. Before the bundles' metatypes carried their
 * ranges, the console wrote these values, answered "applied", and the bundle refused them in
 * its log.
 */
class ConfigurationRangesTest {
    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, im, admin")
            .build();

    static AdminClient admin;

    @BeforeAll
    static void signIn() throws Exception {
        admin = AdminClient.signedInAsInitialAdmin(server, Duration.ofSeconds(30));
    }

    /** One refusal: the PID, key, value, and what the answer must say. */
    record OutOfRange(String pid, String key, String value, String says) {
    }

    @Test
    void aNumberOutOfRangeIsRefusedWithItsKeyAndRangeAndNeitherEtcNorTheRunningConfigurationChanges() throws Exception {
        List<OutOfRange> cases = List.of(
                new OutOfRange("org.parley.muc", "maxOccupants", "0", "0 is below the minimum 1 (allowed: at least 1;"),
                new OutOfRange("org.parley.transport", "c2sPort", "70000", "70000 is above the maximum 65535 (allowed: 0 to 65535;"),
                new OutOfRange("org.parley.transport", "maxStanzaBytes", "9999", "9999 is below the minimum 10000 (allowed: at least 10000;"),
                new OutOfRange("org.parley.session", "authTimeoutSeconds", "0", "0 is below the minimum 1 (allowed: at least 1;"),
                new OutOfRange("org.parley.session", "graceMillis", "-1", "-1 is below the minimum 0 (allowed: at least 0;"),
                new OutOfRange("org.parley.metrics", "port", "0", "0 is below the minimum 1 (allowed: 1 to 65535;"),
                new OutOfRange("org.parley.usage", "historyHours", "169", "169 is above the maximum 168 (allowed: 1 to 168;"),
                new OutOfRange("org.parley.auth", "failureMinimumMillis", "10001",
                        "10001 is above the maximum 10000 (allowed: 0 to 10000;"));
        long logStart = server.logSize();
        for (OutOfRange c : cases) {
            Path file = server.base().resolve("etc/" + c.pid() + ".cfg");
            String fileBefore = contents(file);
            String valueBefore = value(c.pid(), c.key());

            AdminClient.Answer refused = admin.call("PATCH", "/api/config/" + c.pid(), map(c.key(), c.value()));

            assertEquals(422, refused.status(), () -> c + ": " + refused);
            assertEquals(c.pid() + ": key '" + c.key() + "' refused: " + c.says() + " the running configuration is unchanged)",
                    refused.error());
            assertEquals(fileBefore, contents(file), c + ": etc/ is not touched (nor created)");
            assertEquals(valueBefore, value(c.pid(), c.key()), c + ": the running configuration is the one before");
        }
        // The bundles never saw the values: none of them logged a refusal (as they did when the console wrote such values).
        for (String line : server.logSince(logStart).split("\n")) {
            for (OutOfRange c : cases) {
                assertFalse(line.contains(c.key()) && (line.contains("must") || line.contains("efused") || line.contains("not between")),
                        line);
            }
        }
        // And what runs is what ran: clients still connect on the port the refused c2sPort would have replaced,
        // and the metrics listener still answers where it was.
        XMPPTCPConnection c = server.login(server.newAccount("ranges"));
        assertTrue(c.isAuthenticated());
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
    }

    @Test
    void theApiGivesEachNumbersRange() throws Exception {
        JsonNode port = attribute(admin.call("GET", "/api/config/org.parley.transport").json(), "c2sPort");
        assertEquals("0", port.get("min").asText());
        assertEquals("65535", port.get("max").asText());
        assertEquals("0 to 65535", port.get("range").asText());
        JsonNode occupants = attribute(admin.call("GET", "/api/config/org.parley.muc").json(), "maxOccupants");
        assertEquals("1", occupants.get("min").asText());
        assertTrue(occupants.get("max").isNull(), occupants::toString);
        assertEquals("at least 1", occupants.get("range").asText());
        assertFalse(attribute(admin.call("GET", "/api/config/org.parley.muc").json(), "subdomain").has("range"), "a string has none");
    }

    /** The bound itself is a value the bundle takes: accepted, written, and in force (a second occupant is turned away). */
    @Test
    void aValueAtTheBoundIsAcceptedAndInForce() throws Exception {
        long logStart = server.logSize();
        AdminClient.Answer applied = admin.call("PATCH", "/api/config/org.parley.muc", map("maxOccupants", "1"));
        try {
            assertEquals(200, applied.status(), applied::toString);
            assertTrue(Files.readString(server.base().resolve("etc/org.parley.muc.cfg")).contains("maxOccupants = 1"));
            assertEquals("1", value("org.parley.muc", "maxOccupants"));
            server.awaitLog(logStart, "Multi-user chat settings applied", Duration.ofSeconds(15));

            List<Account> accounts = server.newAccounts("bound", 2);
            XMPPTCPConnection alice = server.login(accounts.get(0));
            XMPPTCPConnection bob = server.login(accounts.get(1));
            EntityBareJid jid = MucTest.room("bound");
            MucTest.instantRoom(alice, jid, "Alice");
            MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(jid);
            assertEquals(StanzaError.Condition.service_unavailable, MucTest.condition(() -> bobRoom.join(MucTest.nick("Bob"))),
                    "the room holds one occupant: maxOccupants = 1 is in force");
            for (String other : List.of("maxStanzaBytes=10000", "c2sTlsPort=0")) {
                String[] kv = other.split("=");
                AdminClient.Answer bound = admin.call("PATCH", "/api/config/org.parley.transport", map(kv[0], kv[1]));
                assertEquals(200, bound.status(), () -> other + ": " + bound);
            }
            assertFalse(server.logSince(logStart).contains("Refused the new"), server.logSince(logStart));
        } finally {
            assertEquals(200, admin.call("PATCH", "/api/config/org.parley.muc", map("maxOccupants", "500")).status());
            assertEquals(200, admin.call("PATCH", "/api/config/org.parley.transport",
                    map("maxStanzaBytes", "262144", "c2sTlsPort", Integer.toString(server.c2sTlsPort()))).status());
        }
    }

    /** The console's configuration page: the range beside the field, and a refused value named above the form. */
    @Test
    void theConfigurationFormShowsTheRangeAndTheRefusal() throws Exception {
        Path file = server.base().resolve("etc/org.parley.muc.cfg");
        String before = Files.readString(file);
        AdminClient.Answer page = admin.call("GET", "/console/config/org.parley.muc");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("(allowed: at least 1)"), page.body());

        String form = "csrf=" + URLEncoder.encode(admin.csrf, StandardCharsets.UTF_8) + "&v.maxOccupants=0";
        AdminClient.Answer refused = admin.send("POST", "/console/config/org.parley.muc", "application/x-www-form-urlencoded", form,
                true, false);

        assertEquals(422, refused.status(), refused::toString);
        String error = refused.body().substring(refused.body().indexOf("id=\"error\""));
        error = error.substring(0, error.indexOf("</p>"));
        assertTrue(error.contains("key &#39;maxOccupants&#39; refused: 0 is below the minimum 1 (allowed: at least 1;"), error);
        assertEquals(before, Files.readString(file), "etc/ is not touched");
        assertTrue(refused.body().contains("id=\"v.maxOccupants\" type=\"text\" value=\"" + value("org.parley.muc", "maxOccupants")
                + "\""), "the form shows the value in force");
    }

    /** A file's text, or null where there is none (a PID whose defaults the distribution does not ship as a file). */
    private static String contents(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readString(file) : null;
    }

    private static String value(String pid, String key) throws Exception {
        JsonNode v = attribute(admin.call("GET", "/api/config/" + pid).json(), key).get("value");
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode attribute(JsonNode configuration, String key) {
        for (JsonNode a : configuration.get("attributes")) {
            if (a.get("key").asText().equals(key)) {
                return a;
            }
        }
        throw new AssertionError("no attribute " + key + " in " + configuration);
    }
}
