package org.parley.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * A client of the admin REST API over real HTTPS: java.net.http.HttpClient trusting only the
 * server's own certificate (hostname checked: the self-signed certificate names localhost). It
 * keeps the console session cookie and CSRF token it signed in with, and sends them only when
 * told to, so tests can leave either out.
 */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: the status, the headers, the body as JSON (null when empty), the TLS session. */
    record Answer(int status, java.net.http.HttpHeaders headers, JsonNode json, String body, Optional<SSLSession> tls) {
        String error() {
            return json == null || json.get("error") == null ? null : json.get("error").asText();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final ParleyServer server;
    private final HttpClient http;
    String cookie;
    String csrf;

    AdminClient(ParleyServer server) {
        this.server = server;
        this.http = HttpClient.newBuilder().sslContext(server.sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + server.httpsPort() + path);
    }

    /** The initial administrator's password, as the server wrote it at its first start. */
    static String initialAdminPassword(ParleyServer server) throws IOException {
        return Files.readString(server.base().resolve("data/initial-admin-password")).strip();
    }

    /** A client signed in as the initial administrator, once the console answers. */
    static AdminClient signedInAsInitialAdmin(ParleyServer server, Duration timeout) throws Exception {
        AdminClient admin = new AdminClient(server).awaitUp(timeout);
        Answer a = admin.signIn("admin", initialAdminPassword(server));
        if (a.status() != 201) {
            throw new AssertionError("the initial administrator could not sign in: " + a);
        }
        return admin;
    }

    /** Waits until HTTPS answers (Jetty starts when the http bundle has configured it). */
    AdminClient awaitUp(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                send("GET", "/api/openapi.json", null, null, false, false);
                return this;
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Signs in; on success keeps the session cookie and CSRF token. */
    Answer signIn(String username, String password) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("username", username).put("password", password);
        Answer a = send("POST", "/api/session", "application/json", body.toString(), false, false);
        if (a.status() == 201) {
            String setCookie = a.headers().firstValue("Set-Cookie").orElseThrow();
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
            csrf = a.json().get("csrfToken").asText();
        }
        return a;
    }

    /** With the session cookie and, for a change, the CSRF token. */
    Answer call(String method, String path) throws Exception {
        return send(method, path, null, null, true, true);
    }

    Answer call(String method, String path, Object json) throws Exception {
        return send(method, path, "application/json", JSON.writeValueAsString(json), true, true);
    }

    Answer send(String method, String path, String contentType, String body, boolean withCookie, boolean withCsrf) throws Exception {
        List<String> headers = new ArrayList<>();
        if (withCookie && cookie != null) {
            headers.add("Cookie");
            headers.add(cookie);
        }
        if (withCsrf && csrf != null) {
            headers.add("X-CSRF-Token");
            headers.add(csrf);
        }
        return raw(method, path, contentType, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body), headers.toArray(new String[0]));
    }

    Answer upload(Path jar) throws Exception {
        return raw("POST", "/api/bundles", "application/java-archive", HttpRequest.BodyPublishers.ofFile(jar),
                "Cookie", cookie, "X-CSRF-Token", csrf);
    }

    Answer raw(String method, String path, String contentType, HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120)).method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (!r.body().isEmpty() && r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            json = JSON.readTree(r.body());
        }
        return new Answer(r.statusCode(), r.headers(), json, r.body(), r.sslSession());
    }

    static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
