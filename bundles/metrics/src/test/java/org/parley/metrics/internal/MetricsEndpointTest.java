package org.parley.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.SaslFailure;
import org.parley.api.offline.OfflineStatistics;
import org.parley.api.stanza.Stanza;
import org.parley.api.usage.TrafficCounters;

class MetricsEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private MetricsEndpoint endpoint;

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.deactivate();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static MetricsConfig config(String address, int port, String path) {
        return new MetricsConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MetricsConfig.class;
            }

            @Override
            public String bindAddress() {
                return address;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String path() {
                return path;
            }
        };
    }

    private HttpResponse<String> send(String method, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheExpositionOnItsPathOnlyAndOnlyForGetAndHead() throws Exception {
        int port = freePort();
        endpoint = new MetricsEndpoint(config("127.0.0.1", port, "/metrics"));
        endpoint.setTraffic(new TrafficCounters() {
            @Override
            public long stanzasReceived(Stanza.Kind kind) {
                return kind == Stanza.Kind.MESSAGE ? 42 : 0;
            }

            @Override
            public long logins() {
                return 3;
            }

            @Override
            public long failedLogins(SaslFailure condition) {
                return condition == SaslFailure.NOT_AUTHORIZED ? 1 : 0;
            }

            @Override
            public long stanzasHeld() {
                return 7;
            }
        });
        endpoint.setOffline(new OfflineStatistics() {
            @Override
            public CompletionStage<Size> size() {
                return CompletableFuture.completedFuture(new Size(5, 1234));
            }
        });
        HttpResponse<String> ok = send("GET", port, "/metrics");
        assertEquals(200, ok.statusCode());
        assertEquals(Exposition.CONTENT_TYPE, ok.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(ok.body().contains("parley_stanzas_received_total{kind=\"message\"} 42\n"), ok.body());
        assertTrue(ok.body().contains("parley_logins_total 3\n"), ok.body());
        assertTrue(ok.body().contains("parley_stanzas_held_total 7\n"), ok.body());
        assertTrue(ok.body().contains("parley_auth_failures_total{condition=\"not-authorized\"} 1\n"), ok.body());
        assertTrue(ok.body().contains("parley_offline_messages 5\n"), ok.body());
        assertTrue(ok.body().contains("# TYPE jvm_memory_used_bytes gauge\n"), ok.body());
        assertTrue(!ok.body().contains("parley_sessions"), "no session core bound: no session figures, not zeros");
        assertEquals(404, send("GET", port, "/other").statusCode());
        HttpResponse<String> post = send("POST", port, "/metrics");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> head = send("HEAD", port, "/metrics");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void aNewPortMovesTheListenerAndAnUnusableOneKeepsTheOld() throws Exception {
        int first = freePort();
        endpoint = new MetricsEndpoint(config("127.0.0.1", first, "/metrics"));
        int second = freePort();
        endpoint.modified(config("127.0.0.1", second, "/metrics"));
        assertEquals(200, send("GET", second, "/metrics").statusCode());
        assertThrows(IOException.class, () -> send("GET", first, "/metrics"), "the old port is closed");

        try (ServerSocket taken = new ServerSocket(0)) {
            endpoint.modified(config("127.0.0.1", taken.getLocalPort(), "/metrics"));
            assertEquals(200, send("GET", second, "/metrics").statusCode(), "a port in use is refused, the old listener stays");
        }
        endpoint.modified(config("127.0.0.1", 70000, "/metrics"));
        endpoint.modified(config("not an address", second, "/metrics"));
        assertEquals(200, send("GET", second, "/metrics").statusCode());
        endpoint.modified(config("127.0.0.1", second, "/prometheus"));
        assertEquals(200, send("GET", second, "/prometheus").statusCode(), "a new path on the same port");
        assertEquals(404, send("GET", second, "/metrics").statusCode());
    }

    @Test
    void settingsNameTheKeyThatIsWrong() {
        assertEquals("key 'port': 0 is not between 1 and 65535",
                assertThrows(IllegalArgumentException.class, () -> MetricsSettings.from(config("127.0.0.1", 0, "/metrics"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MetricsSettings.from(config("", 9464, "/metrics"))).getMessage().startsWith("key 'bindAddress'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MetricsSettings.from(config("127.0.0.1", 9464, "metrics"))).getMessage().startsWith("key 'path'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MetricsSettings.from(config("127.0.0.1", 9464, "/a b"))).getMessage().startsWith("key 'path'"));
    }

    @Test
    void labelValuesAndHelpAreEscapedAndNumbersWrittenAsTheFormatSays() {
        Exposition e = new Exposition().family("x", "gauge", "a \\ b\nc").sample("x", 1.5, "gc", "G1 \"Young\"\\\n");
        assertEquals("# HELP x a \\\\ b\\nc\n# TYPE x gauge\nx{gc=\"G1 \\\"Young\\\"\\\\\\n\"} 1.5\n", e.toString());
        assertEquals("3", Exposition.number(3.0));
        assertEquals("NaN", Exposition.number(Double.NaN));
        assertEquals("+Inf", Exposition.number(Double.POSITIVE_INFINITY));
        assertEquals("-1", Exposition.number(-1));
    }
}
