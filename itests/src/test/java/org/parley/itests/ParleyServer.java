package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One real Parley server: the built distribution ({@code -Dparley.dist}) run as a separate process
 * with its own instance base (PARLEY_BASE) and free loopback ports, plus what a client needs to talk
 * to it: the trust anchor (the server's own self-signed certificate, read from the base after the
 * first start), Smack connections and raw clients, and {@code bin/parley} commands.
 *
 * <p>Registered as a static {@code @RegisterExtension} field it starts before the class's first
 * test and stops after its last one (unless built with {@link Builder#manualStart()}); a failing
 * test gets the end of the server's log printed.
 */
public final class ParleyServer implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    public static final String DOMAIN = "localhost";
    public static final String SERVER_CFG = "org.parley.server.cfg";
    public static final String TRANSPORT_CFG = "org.parley.transport.cfg";
    public static final String HTTP_CFG = "org.parley.http.cfg";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(150);
    private static final String READY_LINE = "Listening for clients";
    private static final String RUN_ID = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Logger SMACK_LOG = Logger.getLogger("org.jivesoftware");

    /** Servers still running when the test JVM exits (a timeout, a crash) are not left behind. */
    private static final List<Process> RUNNING = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "parley-itests-cleanup"));
        // Smack's INFO chatter (roster, caps) from hundreds of connections hides what matters.
        SMACK_LOG.setLevel(Level.WARNING);
        SmackConfiguration.setDefaultReplyTimeout(15_000);
    }

    private final Map<String, Map<String, String>> overrides;
    private final boolean startBeforeAll;
    private final List<AbstractXMPPConnection> connections = new CopyOnWriteArrayList<>();
    private final List<RawXmppClient> rawClients = new CopyOnWriteArrayList<>();
    private final AtomicInteger cliRuns = new AtomicInteger();

    private Path dist;
    private Path base;
    private boolean baseInTmp;
    private int c2sPort;
    private int c2sTlsPort;
    private int httpsPort;
    /** Each server's own metrics port, so servers of tests that overlap do not fight over the default. */
    private int metricsPort;
    private Process process;
    private Path console;
    private X509Certificate certificate;
    private X509TrustManager trustManager;
    private SSLContext sslContext;
    private final boolean sharedClassData;

    private ParleyServer(Builder builder) {
        this.overrides = builder.overrides;
        this.startBeforeAll = builder.startBeforeAll;
        this.sharedClassData = builder.sharedClassData;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings written into the base's etc/ before the first start. */
    public static final class Builder {
        private final Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        private boolean startBeforeAll = true;
        private boolean sharedClassData = true;

        private Builder() {
        }

        public Builder set(String cfgFile, String key, Object value) {
            overrides.computeIfAbsent(cfgFile, f -> new LinkedHashMap<>()).put(key, String.valueOf(value));
            return this;
        }

        public Builder transport(String key, Object value) {
            return set(TRANSPORT_CFG, key, value);
        }

        /** The base and its etc/ are prepared before all tests, but the test starts the server itself. */
        public Builder manualStart() {
            startBeforeAll = false;
            return this;
        }

        /**
         * The instance keeps bin/parley's class-data archive in its own data/jvm, as an operator's
         * does. Otherwise all servers of the run share one directory (PARLEY_CLASS_DATA): only the
         * first clean stop writes the archive (seconds), and every later start maps it.
         */
        public Builder ownClassData() {
            sharedClassData = false;
            return this;
        }

        public ParleyServer build() {
            return new ParleyServer(this);
        }
    }

    // ---------------------------------------------------------------- JUnit lifecycle

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dist = distribution();
        base = newBase();
        int[] ports = FreePorts.next(4);
        c2sPort = ports[0];
        c2sTlsPort = ports[1];
        httpsPort = ports[2];
        metricsPort = ports[3];
        writeConfiguration();
        if (startBeforeAll) {
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (AbstractXMPPConnection c : connections) {
            c.disconnect();
        }
        connections.clear();
        for (RawXmppClient c : rawClients) {
            c.close();
        }
        rawClients.clear();
        if (isRunning()) {
            stop(Duration.ofSeconds(30));
        }
        if (baseInTmp && context.getExecutionException().isEmpty()) {
            deleteTree(base);
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("=== " + context.getDisplayName() + " failed; server " + base + "\n" + diagnostics());
    }

    // ---------------------------------------------------------------- where things are

    /** The distribution directory built by the runtime module. */
    public static Path distribution() {
        String property = System.getProperty("parley.dist");
        if (property == null || property.isBlank()) {
            throw new IllegalStateException("-Dparley.dist is not set (surefire sets it to runtime/target/parley)");
        }
        Path path = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isExecutable(path.resolve("bin/parley"))) {
            throw new IllegalStateException(path + "/bin/parley does not exist: build the distribution first "
                    + "(mvn install -DskipTests in the root)");
        }
        return path;
    }

    /**
     * A new empty instance directory under target/, or under the system temp directory when that
     * path would make the control socket's path too long for a Unix socket (about 100 bytes).
     */
    public static Path newEmptyBase() throws IOException {
        Path parent = basesDirectory();
        Files.createDirectories(parent);
        Path candidate = Files.createTempDirectory(parent, "pit");
        if (candidate.resolve("data/control.sock").toString().length() <= 100) {
            return candidate;
        }
        Files.delete(candidate);
        return Files.createTempDirectory("pit");
    }

    private Path newBase() throws IOException {
        Path path = newEmptyBase();
        baseInTmp = !path.startsWith(basesDirectory());
        return path;
    }

    /** Where instance bases are kept for a look after the run: {@code -Dparley.itests.bases}, else target/bases. */
    private static Path basesDirectory() {
        return Path.of(System.getProperty("parley.itests.bases", "target/bases")).toAbsolutePath().normalize();
    }

    public Path base() {
        return base;
    }

    public Path dist() {
        return dist;
    }

    public Path logFile() {
        return base.resolve("log/parley.log");
    }

    public int c2sPort() {
        return c2sPort;
    }

    public int metricsPort() {
        return metricsPort;
    }

    public int c2sTlsPort() {
        return c2sTlsPort;
    }

    /** The http feature's HTTPS port (listening only when a feature that needs it is enabled). */
    public int httpsPort() {
        return httpsPort;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * Sends {@code request} until the answer's status is one {@code expected} accepts: Jetty starts
     * a few seconds after the http bundle has configured it, and a deployed servlet after that.
     *
     * @return that answer
     * @throws AssertionError with the last answer (or that nothing listened) when none is within {@code timeout}
     */
    public static HttpResponse<String> awaitHttps(HttpClient http, HttpRequest request, IntPredicate expected, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing listening";
        while (true) {
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (expected.test(answer.statusCode())) {
                    return answer;
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (java.net.ConnectException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(request.uri() + " did not answer as expected within " + timeout.toSeconds() + " s: " + last);
            }
            Thread.sleep(200);
        }
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Copies the distribution's default etc/ files into the base, then applies this server's
     * settings (always: domain, loopback bind address, the chosen ports).
     */
    private void writeConfiguration() throws IOException {
        Path etc = base.resolve("etc");
        Files.createDirectories(etc);
        Path defaults = dist.resolve("defaults/etc");
        try (Stream<Path> files = Files.list(defaults)) {
            for (Path f : files.toList()) {
                Files.copy(f, etc.resolve(f.getFileName().toString()));
            }
        }
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        all.computeIfAbsent(SERVER_CFG, f -> new LinkedHashMap<>()).put("domain", DOMAIN);
        Map<String, String> transport = all.computeIfAbsent(TRANSPORT_CFG, f -> new LinkedHashMap<>());
        transport.put("bindAddress", "127.0.0.1");
        transport.put("c2sPort", Integer.toString(c2sPort));
        transport.put("c2sTlsPort", Integer.toString(c2sTlsPort));
        Map<String, String> http = all.computeIfAbsent(HTTP_CFG, f -> new LinkedHashMap<>());
        http.put("bindAddress", "127.0.0.1");
        http.put("port", Integer.toString(httpsPort));
        all.computeIfAbsent("org.parley.metrics.cfg", f -> new LinkedHashMap<>()).put("port", Integer.toString(metricsPort));
        overrides.forEach((file, values) -> all.computeIfAbsent(file, f -> new LinkedHashMap<>()).putAll(values));
        for (Map.Entry<String, Map<String, String>> e : all.entrySet()) {
            writeProperties(etc.resolve(e.getKey()), e.getValue());
        }
    }

    /** Replaces the value of each key in a .cfg file (keeping its comments), appending keys it lacks. */
    static void writeProperties(Path file, Map<String, String> values) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file) : new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>(values);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.strip();
            int eq = trimmed.indexOf('=');
            String key = trimmed.startsWith("#") || eq < 0 ? null : trimmed.substring(0, eq).strip();
            if (key != null && values.containsKey(key)) {
                out.add(key + " = " + values.get(key));
                missing.remove(key);
            } else {
                out.add(line);
            }
        }
        missing.forEach((k, v) -> out.add(k + " = " + v));
        Files.write(file, out);
    }

    // ---------------------------------------------------------------- process

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server's JVM (bin/parley execs it), for looking at the process from outside. */
    public long pid() {
        return process.pid();
    }

    /**
     * Starts {@code bin/parley run} and waits until it is ready: the log (of this run) says it
     * listens, both client ports accept connections and the control socket exists. Then loads the
     * server certificate as the clients' only trust anchor.
     */
    public void start() throws IOException, InterruptedException {
        if (isRunning()) {
            throw new IllegalStateException("already running");
        }
        console = base.resolve("console.log");
        long logOffset = Files.exists(logFile()) ? Files.size(logFile()) : 0;
        long consoleOffset = Files.exists(console) ? Files.size(console) : 0;
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/parley").toString(), "run");
        pb.environment().put("PARLEY_BASE", base.toString());
        if (sharedClassData) {
            pb.environment().put("PARLEY_CLASS_DATA", basesDirectory().resolveSibling("class-data").toString());
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        process = pb.start();
        RUNNING.add(process);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!isReady(logOffset)) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + " before it was ready\n"
                        + diagnostics(logOffset, consoleOffset));
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the server was not ready within " + READY_TIMEOUT.toSeconds() + " s (log line '"
                        + READY_LINE + "', ports " + c2sPort + "/" + c2sTlsPort + ", control socket)\n"
                        + diagnostics(logOffset, consoleOffset));
            }
            Thread.sleep(100);
        }
        loadTrustAnchor();
    }

    private boolean isReady(long logOffset) {
        return textFrom(logFile(), logOffset).contains(READY_LINE)
                && Files.exists(base.resolve("data/control.sock"))
                && accepts(c2sPort) && accepts(c2sTlsPort);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends SIGTERM ({@link Process#destroy()}) and waits for the process to end.
     *
     * @return the exit code
     * @throws AssertionError when it did not end within the timeout (it is then killed)
     */
    public int stop(Duration timeout) throws InterruptedException {
        for (AbstractXMPPConnection c : connections) {
            c.instantShutdown();
        }
        connections.clear();
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the server did not exit within " + timeout.toSeconds() + " s of SIGTERM\n" + diagnostics());
            }
            return process.exitValue();
        } finally {
            RUNNING.remove(process);
        }
    }

    /**
     * kill -9: the JVM ({@code bin/parley} execs it) gets no shutdown hook, no flush, no close; what
     * the server had not written to its files is gone, as in a crash. Clients see their sockets drop.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the server did not die within 30 s of SIGKILL");
            }
        } finally {
            RUNNING.remove(process);
        }
        for (AbstractXMPPConnection c : connections) {
            c.instantShutdown();
        }
        connections.clear();
    }

    private void loadTrustAnchor() throws IOException {
        Path dir = base.resolve("data/tls");
        Path file = dir.resolve("self-signed.crt");
        if (!Files.exists(file)) {
            String listing;
            try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
                listing = files.map(p -> p.getFileName().toString()).collect(Collectors.joining(", "));
            }
            throw new AssertionError("no self-signed certificate at " + file + "; " + dir + " holds [" + listing + "]");
        }
        try (InputStream in = Files.newInputStream(file)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("parley", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            TrustManager[] managers = tmf.getTrustManagers();
            trustManager = (X509TrustManager) managers[0];
            sslContext = SSLContext.getInstance("TLS");
            sslContext.init(null, managers, null);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot build the trust store from " + file, e);
        }
    }

    // ---------------------------------------------------------------- diagnostics

    public String diagnostics() {
        return diagnostics(0, 0);
    }

    private String diagnostics(long logOffset, long consoleOffset) {
        return "--- " + logFile() + " (last 40 lines):\n" + tail(textFrom(logFile(), logOffset), 40)
                + "\n--- process output (last 15 lines):\n" + tail(console == null ? "" : textFrom(console, consoleOffset), 15);
    }

    /** What the server process printed (stdout and stderr) since {@code offset} bytes. */
    public String consoleSince(long offset) {
        return console == null ? "" : textFrom(console, offset);
    }

    /** The log written since {@code offset} bytes. */
    public String logSince(long offset) {
        return textFrom(logFile(), offset);
    }

    /**
     * Waits until the log written since {@code offset} contains {@code text}.
     *
     * @throws AssertionError with that part of the log when it doesn't within {@code timeout}
     */
    public void awaitLog(long offset, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logSince(offset).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in the log within " + timeout.toSeconds() + " s:\n" + logSince(offset));
    }

    /**
     * Waits until the log written since {@code offset} contains {@code text} at least {@code times}
     * times (lines of one event are written one by one: seeing the first is no sign of the rest).
     *
     * @return how many times it occurs then
     * @throws AssertionError with that part of the log when it doesn't within {@code timeout}
     */
    public int awaitLog(long offset, String text, int times, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int seen = logSince(offset).split(Pattern.quote(text), -1).length - 1;
            if (seen >= times) {
                return seen;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("'" + text + "' not " + times + " times in the log within " + timeout.toSeconds() + " s:\n" + logSince(offset));
    }

    public long logSize() throws IOException {
        return Files.exists(logFile()) ? Files.size(logFile()) : 0;
    }

    private static String textFrom(Path file, long offset) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            byte[] all = Files.readAllBytes(file);
            // Shorter than where we started reading: logback rolled the file over (at midnight, or
            // at its size limit) and this is a new one, all of it written since.
            int from = offset > all.length ? 0 : (int) offset;
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    // ---------------------------------------------------------------- bin/parley commands

    /** What one {@code bin/parley} command did. */
    public record CliResult(int exitCode, String stdout, String stderr, Duration took) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + took.toMillis() + " ms; stdout: [" + stdout + "] stderr: [" + stderr + "]";
        }
    }

    /** Runs {@code bin/parley <args>} against this base (online through the control socket when running). */
    public CliResult cli(String... args) throws IOException, InterruptedException {
        return cli(dist, base, args);
    }

    public static CliResult cli(Path dist, Path base, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(dist.resolve("bin/parley").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PARLEY_BASE", base.toString());
        Path out = Files.createTempFile("parley-cli", ".out");
        Path err = Files.createTempFile("parley-cli", ".err");
        try {
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            long started = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(CLI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("bin/parley " + String.join(" ", args) + " did not finish within "
                        + CLI_TIMEOUT.toSeconds() + " s; stdout: " + Files.readString(out) + " stderr: " + Files.readString(err));
            }
            return new CliResult(p.exitValue(), Files.readString(out), Files.readString(err), Duration.ofNanos(System.nanoTime() - started));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A local part no other test (of this run or an earlier one on the same base) uses. */
    public static String uniqueLocal(String hint) {
        return hint + "-" + RUN_ID + "-" + NAMES.incrementAndGet();
    }

    public static String randomPassword() {
        return "pw-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    }

    /** Creates a new account with {@code bin/parley user add}. */
    public Account newAccount() throws IOException, InterruptedException {
        return newAccount("user");
    }

    public Account newAccount(String hint) throws IOException, InterruptedException {
        Account account = new Account(uniqueLocal(hint), randomPassword(), DOMAIN);
        CliResult r = cli("user", "add", account.jid(), account.password());
        assertEquals(0, r.exitCode(), () -> "user add " + account.jid() + ": " + r);
        return account;
    }

    /** Creates many accounts with one {@code bin/parley user import}. */
    public List<Account> newAccounts(String hint, int count) throws IOException, InterruptedException {
        List<Account> accounts = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Account a = new Account(uniqueLocal(hint), randomPassword(), DOMAIN);
            accounts.add(a);
            lines.append(a.jid()).append(' ').append(a.password()).append('\n');
        }
        Path file = base.resolve("import-" + cliRuns.incrementAndGet() + ".txt");
        Files.writeString(file, lines);
        CliResult r = cli("user", "import", file.toString());
        assertEquals(0, r.exitCode(), () -> "user import of " + count + " accounts: " + r);
        return accounts;
    }

    /**
     * Runs {@code bin/parley user import --hashed} on a file of {@link #hashedLine}s (online through
     * the control socket when the server runs, else offline).
     */
    public CliResult importHashed(List<String> lines) throws IOException, InterruptedException {
        Path file = base.resolve("import-hashed-" + cliRuns.incrementAndGet() + ".txt");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return cli("user", "import", "--hashed", file.toString());
    }

    /** An import line for the account with a credential per mechanism (SCRAM-SHA-1, SCRAM-SHA-256). */
    public static String hashedLine(Account account, int iterations, String... mechanisms) {
        StringBuilder line = new StringBuilder(account.jid());
        for (String mechanism : mechanisms) {
            line.append(' ').append(ScramClient.rfc5803Credential(mechanism, account.password(), iterations));
        }
        return line.toString();
    }

    // ---------------------------------------------------------------- clients

    /** A Smack configuration for this server: TLS required, only the server's certificate trusted. */
    public XMPPTCPConnectionConfiguration.Builder smackConfig(Account account, String resource) {
        try {
            return XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(DOMAIN)
                    .setHostAddress(InetAddress.getByName("127.0.0.1"))
                    .setPort(c2sPort)
                    .setSecurityMode(SecurityMode.required)
                    .setCustomX509TrustManager(trustManager)
                    .setUsernameAndPassword(account.local(), account.password())
                    .setResource(resource)
                    .setConnectTimeout(15_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same for the direct TLS port (XEP-0368): TLS from the first byte, verified likewise. */
    public XMPPTCPConnectionConfiguration.Builder smackDirectTlsConfig(Account account, String resource) {
        return smackConfig(account, resource)
                .setPort(c2sTlsPort)
                .setSocketFactory(new DirectTlsSocketFactory(sslContext, DOMAIN));
    }

    /** A tracked (closed after the class) connection, not yet connected. */
    public XMPPTCPConnection newConnection(XMPPTCPConnectionConfiguration config) {
        XMPPTCPConnection c = config.getSocketFactory() instanceof DirectTlsSocketFactory
                ? new DirectTlsConnection(config)
                : new XMPPTCPConnection(config);
        connections.add(c);
        return c;
    }

    /** Connects and logs in, over STARTTLS, as {@code account} with {@code resource}. */
    public XMPPTCPConnection login(Account account, String resource) throws Exception {
        return login(smackConfig(account, resource).build());
    }

    public XMPPTCPConnection login(Account account) throws Exception {
        return login(account, "r-" + NAMES.incrementAndGet());
    }

    public XMPPTCPConnection login(XMPPTCPConnectionConfiguration config) throws Exception {
        XMPPTCPConnection c = newConnection(config);
        c.connect();
        c.login();
        return c;
    }

    /** A raw client connected in plain text to the STARTTLS port (closed after the class). */
    public RawXmppClient raw() throws IOException {
        return track(RawXmppClient.connect(c2sPort));
    }

    /**
     * Whether a new connection is served (gets stream features) within {@code timeout}, retrying
     * while the server refuses: for waiting until a closed connection has freed its slot.
     */
    public boolean aNewConnectionGetsFeaturesWithin(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (RawXmppClient c = raw()) {
                c.sendAllowingClose(RawXmppClient.streamHeader(DOMAIN));
                try {
                    c.await(Pattern.compile("<stream:features"), Duration.ofSeconds(2));
                    return true;
                } catch (AssertionError refused) {
                    Thread.sleep(100);
                }
            }
        }
        return false;
    }

    /** A raw client logged in as a new account over STARTTLS with SASL PLAIN, resource bound. */
    public RawXmppClient rawLoggedIn() throws Exception {
        return rawLoggedIn(0);
    }

    /** Like {@link #rawLoggedIn()}, with a fixed socket receive buffer (see {@link RawXmppClient#connect(int, int)}). */
    public RawXmppClient rawLoggedIn(int receiveBufferBytes) throws Exception {
        Account account = newAccount("raw");
        RawXmppClient c = track(RawXmppClient.connect(c2sPort, receiveBufferBytes));
        c.login(account, "raw", sslContext);
        return c;
    }

    public RawXmppClient track(RawXmppClient c) {
        rawClients.add(c);
        return c;
    }

    public void forget(AbstractXMPPConnection c) {
        connections.remove(c);
    }

    // ---------------------------------------------------------------- files

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
