package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request that reaches an HTTPS endpoint's servlet at the instant the servlet leaves (its bundle
 * being replaced) is answered like every other request during the replacement: {@code 503} with
 * {@code Retry-After}, which a caller retries, never Felix HTTP's {@code 500}, which it must take
 * as final. {@code MailToImUpgradeTest} met this by chance under load; here the probe bundle's
 * filter unregisters the servlet under the request, so it happens every time.
 */
class HttpEndpointLeavingTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().set("parley.properties", "features", "core, http").build();

    @Test
    void aRequestThatReachesAServletAsItLeavesGets503WithRetryAfter() throws Exception {
        long logBefore = server.logSize();
        Files.copy(Path.of(System.getProperty("parley.probe.http.jar")), server.base().resolve("deploy").resolve("probe-http.jar"));
        server.awaitLog(logBefore, "Installed org.parley.itests.probe.http", WAIT);

        HttpClient http = HttpClient.newBuilder().sslContext(server.sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
        URI here = URI.create("https://localhost:" + server.httpsPort() + "/probe/leaving");
        URI leave = URI.create(here + "?leave");
        // the probe's servlet is served once Jetty has started and the whiteboard has taken it
        assertEquals("here", ParleyServer.awaitHttps(http, HttpRequest.newBuilder(here).GET().build(), status -> status == 200, WAIT).body());

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> left = http.send(HttpRequest.newBuilder(leave).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, left.statusCode(), "the servlet left under the request: " + left.headers().map() + " " + left.body());
            assertEquals("5", left.headers().firstValue("Retry-After").orElse(null), "a caller knows to retry");
            assertTrue(left.body().contains("being upgraded"), left.body());
            assertFalse(left.body().contains("Server Error"), left.body());

            HttpResponse<String> back = http.send(HttpRequest.newBuilder(here).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, back.statusCode(), "the servlet is back and outranks the stand-in again: " + back.body());
        }
        server.awaitLog(logBefore, "/probe/leaving reached its servlet as it was unregistered: answered 503", 3, WAIT);
    }
}
