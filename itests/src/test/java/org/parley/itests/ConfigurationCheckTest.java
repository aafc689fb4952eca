package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.itests.AdminClient.map;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only the bundle knows (rules between keys, networks, URLs, addresses, a port another
 * listener holds), changed through the admin console (REST and the HTML form): the bundle's own
 * checker refuses it before the console writes etc/, with the key and the bundle's reason; etc/
 * is byte-identical, the running configuration is the one before, and the bundle never saw the
 * value. Before, the console wrote these, answered "applied", and the bundle refused them in its log.
 */
class ConfigurationCheckTest {
    static final String COMPONENTS = "org.parley.components.cfg";
    static final int COMPONENT_PORT = FreePorts.next();

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder()
            .set("parley.properties", "features", "core, im, admin, ldap, mailhook, components")
            .set(COMPONENTS, "bindAddress", "127.0.0.1")
            .set(COMPONENTS, "port", COMPONENT_PORT)
            .set(COMPONENTS, "secret.relay." + ParleyServer.DOMAIN, "relay-" + ParleyServer.randomPassword())
            .build();

    static AdminClient admin;

    @BeforeAll
    static void signIn() throws Exception {
        admin = AdminClient.signedInAsInitialAdmin(server, Duration.ofSeconds(30));
    }

    /** One refusal: the change, the key the bundle names, the start of its reason and the bundle that checked. */
    record Refused(String pid, Map<String, Object> change, String key, String reason, String checkedBy) {
    }

    @Test
    void whatOnlyTheBundleKnowsIsRefusedWithItsReasonAndNothingChanges() throws Exception {
        List<Refused> cases = List.of(
                new Refused("org.parley.muc", map("historyLength", "300"), "historyLength",
                        "must be between 0 and maxHistoryLength (200), got 300", "org.parley.muc"),
                new Refused("org.parley.muc", map("subdomain", "chat rooms"), "subdomain",
                        "must be one or more DNS labels (letters, digits, '-'), got 'chat rooms'", "org.parley.muc"),
                new Refused("org.parley.mailhook", map("retryInitialSeconds", "600", "retryMaxSeconds", "60"), "retryMaxSeconds",
                        "60 is less than retryInitialSeconds (600)", "org.parley.mailhook"),
                new Refused("org.parley.session", map("allowNetworks", "127.0.0.0/8, 10.0.0.0/33"), "allowNetworks",
                        "'10.0.0.0/33': the prefix length must be 0 to 32", "org.parley.session"),
                new Refused("org.parley.ldap", map("urls", "ldpa://directory.example.edu"), "urls",
                        "'ldpa://directory.example.edu': the scheme must be ldap or ldaps", "org.parley.ldap"),
                new Refused("org.parley.transport", map("c2sPort", Integer.toString(COMPONENT_PORT)), "c2sPort",
                        "cannot listen on 127.0.0.1 port " + COMPONENT_PORT, "org.parley.transport"),
                new Refused("org.parley.components", map("port", Integer.toString(server.c2sPort())), "port",
                        "cannot listen on 127.0.0.1 port " + server.c2sPort(), "org.parley.components"));
        long logStart = server.logSize();
        for (Refused c : cases) {
            Path file = server.base().resolve("etc/" + c.pid() + ".cfg");
            String fileBefore = contents(file);
            Map<String, String> valuesBefore = values(c.pid(), c.change().keySet());

            AdminClient.Answer refused = admin.call("PATCH", "/api/config/" + c.pid(), c.change());

            assertEquals(422, refused.status(), () -> c + ": " + refused);
            assertTrue(refused.error().startsWith(c.pid() + ": key '" + c.key() + "' refused: " + c.reason()), () -> c + ": " + refused);
            assertTrue(refused.error().endsWith("(checked by " + c.checkedBy() + "; the running configuration is unchanged)"),
                    refused::toString);
            JsonNode json = refused.json();
            assertEquals(c.pid(), json.get("pid").asText());
            assertEquals(c.checkedBy(), json.get("checkedBy").asText());
            assertEquals(c.key(), json.get("problems").get(0).get("key").asText(), refused::toString);
            assertTrue(json.get("problems").get(0).get("reason").asText().startsWith(c.reason()), refused::toString);
            assertEquals(fileBefore, contents(file), c + ": etc/ is byte-identical (or still absent)");
            assertEquals(valuesBefore, values(c.pid(), c.change().keySet()), c + ": the running configuration is the one before");
        }
        // The bundles never saw the values: none logged a refusal, as each did when the console wrote such values.
        String log = server.logSince(logStart);
        assertFalse(log.contains("Refused the new") || log.contains("efused the configuration"), log);
        // What runs is what ran: clients are still served on the c2s port the refused value would have moved.
        XMPPTCPConnection client = server.login(server.newAccount("checked"));
        assertTrue(client.isAuthenticated());
        assertTrue(portAnswers(COMPONENT_PORT), "the component listener still listens where it did");
    }

    /** Two keys changed together, each valid only with the other: accepted, written, in force, and restored. */
    @Test
    void aValidChangeOfTwoRelatedKeysIsAcceptedAndInForce() throws Exception {
        long logStart = server.logSize();
        AdminClient.Answer applied = admin.call("PATCH", "/api/config/org.parley.muc", map("historyLength", "300", "maxHistoryLength", "300"));
        try {
            assertEquals(200, applied.status(), applied::toString);
            assertEquals("org.parley.muc", applied.json().get("checkedBy").asText(), applied::toString);
            String file = Files.readString(server.base().resolve("etc/org.parley.muc.cfg"));
            assertTrue(file.contains("historyLength = 300") && file.contains("maxHistoryLength = 300"), file);
            server.awaitLog(logStart, "historyLength=300, maxHistoryLength=300", Duration.ofSeconds(15));
            assertFalse(server.logSince(logStart).contains("Refused the new"), server.logSince(logStart));
        } finally {
            AdminClient.Answer restored = admin.call("PATCH", "/api/config/org.parley.muc", map("historyLength", "20", "maxHistoryLength", "200"));
            assertEquals(200, restored.status(), restored::toString);
        }
    }

    /** The form: the bundle's reason above the form and beside the field it is about; etc/ untouched. */
    @Test
    void theFormShowsTheBundlesReasonBesideTheField() throws Exception {
        Path file = server.base().resolve("etc/org.parley.muc.cfg");
        String before = Files.readString(file);
        String form = "csrf=" + URLEncoder.encode(admin.csrf, StandardCharsets.UTF_8) + "&v.historyLength=300";
        AdminClient.Answer refused = admin.send("POST", "/console/config/org.parley.muc", "application/x-www-form-urlencoded", form,
                true, false);

        assertEquals(422, refused.status(), refused::toString);
        String error = refused.body().substring(refused.body().indexOf("id=\"error\""));
        error = error.substring(0, error.indexOf("</p>"));
        assertTrue(error.contains("key &#39;historyLength&#39; refused: must be between 0 and maxHistoryLength (200), got 300"), error);
        int field = refused.body().indexOf("id=\"v.historyLength\"");
        int nextField = refused.body().indexOf("<label", field);
        String beside = refused.body().substring(field, nextField < 0 ? refused.body().length() : nextField);
        assertTrue(beside.contains("id=\"problem.historyLength\">refused: must be between 0 and maxHistoryLength (200), got 300"), beside);
        assertEquals(before, Files.readString(file), "etc/ is not touched");
        assertTrue(refused.body().contains("id=\"v.historyLength\" type=\"text\" value=\"" + values("org.parley.muc",
                java.util.Set.of("historyLength")).get("historyLength") + "\""), "the form shows the value in force");
    }

    /**
     * With the owning bundle stopped there is no checker: the console checks the ranges, writes the
     * file (an operator must be able to fix the configuration of a bundle that cannot start) and
     * says the change was not checked; the bundle checks it when it starts.
     */
    @Test
    void aStoppedBundlesConfigurationIsWrittenUncheckedAndTheAnswerSaysSo() throws Exception {
        Path file = server.base().resolve("etc/org.parley.mailhook.cfg");
        String before = contents(file);
        assertEquals(200, admin.call("POST", "/api/bundles/org.parley.mailhook/stop").status());
        try {
            AdminClient.Answer applied = admin.call("PATCH", "/api/config/org.parley.mailhook", map("retryMaxSeconds", "7200"));
            assertEquals(200, applied.status(), applied::toString);
            assertTrue(applied.json().get("checkedBy").isNull(), applied::toString);
            assertTrue(applied.json().get("note").asText().startsWith("no running bundle checks org.parley.mailhook"), applied::toString);
            assertTrue(Files.readString(file).contains("retryMaxSeconds = 7200"));
            AdminClient.Answer outOfRange = admin.call("PATCH", "/api/config/org.parley.mailhook", map("retryMaxSeconds", "0"));
            assertEquals(422, outOfRange.status(), "the ranges are still checked: " + outOfRange);
        } finally {
            assertEquals(200, admin.call("POST", "/api/bundles/org.parley.mailhook/start").status());
            if (before != null) {
                Files.writeString(file, before);
            }
        }
    }

    private static boolean portAnswers(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return s.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** A file's text, or null where there is none. */
    private static String contents(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readString(file) : null;
    }

    private static Map<String, String> values(String pid, java.util.Set<String> keys) throws Exception {
        Map<String, String> values = new java.util.TreeMap<>();
        for (JsonNode a : admin.call("GET", "/api/config/" + pid).json().get("attributes")) {
            if (keys.contains(a.get("key").asText())) {
                JsonNode v = a.get("value");
                values.put(a.get("key").asText(), v == null || v.isNull() ? "(none)" : v.asText());
            }
        }
        return values;
    }
}
