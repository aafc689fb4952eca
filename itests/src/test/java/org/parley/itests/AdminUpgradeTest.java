package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.itests.AdminClient.map;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's own bundles replaced through deploy/ (DESIGN rule 6): an administrator signed in
 * before stays signed in with the same CSRF token, API tokens and the audit log (in storage)
 * stay, and the HTTPS port keeps answering when the http bundle itself is replaced. The server
 * runs without the im feature, so the rooms say multi-user chat is not running.
 */
class AdminUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("parley.properties", "features", "core, admin").build();

    @Test
    void replacingTheAdminAndHttpBundlesSignsNobodyOutAndKeepsTokensAndTheAuditLog() throws Exception {
        AdminClient admin = AdminClient.signedInAsInitialAdmin(server, WAIT);
        String secret = admin.call("POST", "/api/tokens", map("name", "across-upgrade")).json().get("token").asText();
        assertEquals(201, admin.call("POST", "/api/users", map("username", "before-upgrade", "password", "pw-before")).status());
        AdminClient.Answer rooms = admin.call("GET", "/api/rooms");
        assertEquals(503, rooms.status());
        assertTrue(rooms.error().contains("multi-user chat is not running"), rooms.error());

        upgrade("admin", "org.parley.admin");
        AdminClient.Answer session = admin.call("GET", "/api/session");
        assertEquals(200, session.status(), "still signed in after the admin bundle's upgrade: " + session);
        assertEquals(admin.csrf, session.json().get("csrfToken").asText());
        assertEquals(201, admin.call("POST", "/api/users", map("username", "after-admin-upgrade", "password", "pw-after")).status(),
                "a change with the same CSRF token");
        assertEquals(200, admin.raw("GET", "/api/users/before-upgrade", null, java.net.http.HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + secret).status(), "the API token stays");
        assertTrue(admin.call("GET", "/api/audit?limit=100").body().contains("\"target\":\"/api/tokens\""), "the audit log stays");
        assertEquals("99.0.0", admin.call("GET", "/api/bundles/org.parley.admin").json().get("version").asText());

        upgrade("http", "org.parley.http");
        assertEquals(200, admin.call("GET", "/api/session").status(), "HTTPS answers after the http bundle's upgrade");
        assertEquals("99.0.0", admin.call("GET", "/api/bundles/org.parley.http").json().get("version").asText());
    }

    private static void upgrade(String module, String symbolicName) throws Exception {
        long logBefore = server.logSize();
        Path jar = server.base().resolve(module + "-99.jar");
        Bundles.copyWithVersion(Bundles.parleyJar(server.dist(), module), jar, "99.0.0");
        Files.move(jar, server.base().resolve("deploy").resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        server.awaitLog(logBefore, "Upgraded " + symbolicName + " from", WAIT);
        if (module.equals("admin")) {
            server.awaitLog(logBefore, "Admin REST API at /api/", WAIT);
        }
    }
}
