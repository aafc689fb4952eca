package @package@.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Parley server for integration tests: the distribution named by {@code -Dparley.home}
 * run as a process with an instance base of its own (PARLEY_BASE) on free loopback ports, for the
 * domain {@code localhost}. Clients trust only the certificate the server generated. Registered as
 * a static {@code @RegisterExtension} field, it runs from before the class's first test to after
 * its last one.
 */
public final class ParleyServer implements BeforeAllCallback, AfterAllCallback {
    public static final String DOMAIN = "localhost";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Path home;
    private Path base;
    private int port;
    private Process process;
    private X509TrustManager trust;
    private final List<XMPPTCPConnection> connections = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        home = Path.of(System.getProperty("parley.home", "")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/parley"))) {
            throw new IllegalStateException(home + "/bin/parley does not exist: set -Dparley.home to a Parley distribution");
        }
        // The control socket's path must stay short (a Unix socket path has about 100 bytes).
        base = Files.createTempDirectory("parley-it");
        port = freePort();
        int tlsPort = freePort();
        Path etc = Files.createDirectories(base.resolve("etc"));
        try (var files = Files.list(home.resolve("defaults/etc"))) {
            for (Path f : files.toList()) {
                Files.copy(f, etc.resolve(f.getFileName()));
            }
        }
        configure("org.parley.server.cfg", Map.of("domain", DOMAIN));
        configure("org.parley.transport.cfg", Map.of("bindAddress", "127.0.0.1", "c2sPort", String.valueOf(port),
                "c2sTlsPort", String.valueOf(tlsPort)));
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/parley").toString(), "run");
        pb.environment().put("PARLEY_BASE", base.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(base.resolve("console.log").toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        process = pb.start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(log().contains("Listening for clients") && accepts(port) && Files.exists(base.resolve("data/control.sock")))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the server did not start; its log:\n" + log() + Files.readString(base.resolve("console.log")));
            }
            Thread.sleep(100);
        }
        try (InputStream in = Files.newInputStream(base.resolve("data/tls/self-signed.crt"))) {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("parley", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            trust = (X509TrustManager) tmf.getTrustManagers()[0];
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        connections.forEach(XMPPTCPConnection::disconnect);
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (context.getExecutionException().isEmpty()) {
            try (var paths = Files.walk(base)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } else {
            System.err.println("The server's base is kept for a look: " + base);
        }
    }

    public Path base() {
        return base;
    }

    /** The server's log so far. */
    public String log() throws IOException {
        Path log = base.resolve("log/parley.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Waits until the log has {@code text} at least {@code times} times. */
    public void awaitLog(String text, int times) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (log().split(java.util.regex.Pattern.quote(text), -1).length - 1 < times) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' (" + times + " times) in the log:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** Writes (replaces) a configuration file in etc/: the server applies it live. */
    public void configure(String file, Map<String, String> values) throws IOException {
        StringBuilder text = new StringBuilder();
        values.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Path tmp = base.resolve(file + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, base.resolve("etc").resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Copies a bundle jar into deploy/, where the server installs it (or upgrades it in place). */
    public void deploy(Path jar, String name) throws IOException {
        Path tmp = base.resolve(name + ".tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, base.resolve("deploy").resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public void undeploy(String name) throws IOException {
        Files.delete(base.resolve("deploy").resolve(name));
    }

    /** Creates an account with {@code bin/parley user add}. */
    public void addUser(String local, String password) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/parley").toString(), "user", "add", local + "@" + DOMAIN, password);
        pb.environment().put("PARLEY_BASE", base.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("user add " + local + ": " + out);
        }
    }

    /** A Smack connection over STARTTLS, logged in. */
    public XMPPTCPConnection login(String local, String password, String resource) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(DOMAIN).setHostAddress(InetAddress.getByName("127.0.0.1")).setPort(port)
                .setSecurityMode(SecurityMode.required).setCustomX509TrustManager(trust)
                .setUsernameAndPassword(local, password).setResource(resource).build());
        connections.add(c);
        c.connect();
        c.login();
        return c;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
