package org.parley.tls.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.parley.api.tls.TlsContextProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server TLS contexts from the operator's PEM files, or from a generated self-signed certificate
 * when there are none, with Parley's protocol and cipher suite policy.
 *
 * <p>The JDK's SunJSSE does the TLS; Bouncy Castle only reads and writes PEM and makes the
 * self-signed certificate, always through this component's own provider instance (it is never
 * registered with {@code java.security.Security}, which would pin this bundle's class loader).
 *
 * <p>Everything an engine is built from is one immutable {@link Active} snapshot, replaced as a
 * whole on a reload or a configuration change; a change that fails leaves the snapshot in place.
 * Engines already created keep the context they were made with.
 */
// Immediate: the certificate is loaded or generated, and its fingerprint logged, at start rather than at
// the first connection, and the file polling does not depend on whether anyone holds the service.
// No @Designate: bnd refuses it for a component with two configuration PIDs; the OCD is still generated.
@Component(service = TlsContextProvider.class, configurationPid = {"org.parley.server", "org.parley.tls"},
        immediate = true)
public final class ServerTlsContextProvider implements TlsContextProvider {
    /** Framework property: the instance's data directory (generated files go to its {@code tls} folder). */
    static final String DATA_DIRECTORY_PROPERTY = "parley.data";
    /** Framework property: the instance's configuration directory (relative file names resolve against it). */
    static final String ETC_DIRECTORY_PROPERTY = "parley.etc";

    private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContextProvider.class);

    private final Path etcDirectory;
    private final Clock clock;
    private final SelfSignedCertificates selfSigned;
    private final SecureRandom random = new SecureRandom();
    private final Object lock = new Object();

    /** What engines are made from; written under {@link #lock}, read without it. */
    private volatile Active active;

    // Guarded by lock.
    private FileStamp.Pair lastFailedStamps;
    private ScheduledExecutorService poller;
    private ScheduledFuture<?> pollTask;
    private int pollIntervalSeconds;

    /** DS activation: the directories come from the framework properties {@code parley.data} and {@code parley.etc}. */
    @Activate
    public ServerTlsContextProvider(TlsConfig config, BundleContext context)
            throws InvalidConfigurationException, KeyMaterialException {
        this(config, frameworkDirectory(context, DATA_DIRECTORY_PROPERTY),
                frameworkDirectory(context, ETC_DIRECTORY_PROPERTY), Clock.systemUTC());
        startPolling();
    }

    /**
     * Loads or generates the certificate and builds the first context. Does not start the file
     * polling (see {@link #startPolling()}).
     *
     * @param dataDirectory where the self-signed certificate is kept (in its {@code tls} folder)
     * @param etcDirectory what relative certificate and key file names resolve against
     * @param clock decides whether a stored self-signed certificate is still fresh
     * @throws InvalidConfigurationException if a configuration value is refused (the key is named)
     * @throws KeyMaterialException if the certificate or key cannot be used (the file is named)
     */
    ServerTlsContextProvider(TlsConfig config, Path dataDirectory, Path etcDirectory, Clock clock)
            throws InvalidConfigurationException, KeyMaterialException {
        this.etcDirectory = etcDirectory;
        this.clock = clock;
        this.selfSigned = new SelfSignedCertificates(dataDirectory.resolve("tls"), clock);
        synchronized (lock) {
            try {
                TlsSettings settings = TlsSettings.of(config, etcDirectory);
                install(build(settings, null, FileStamp.Pair.of(settings)));
            } catch (InvalidConfigurationException | KeyMaterialException e) {
                LOG.error("TLS cannot start: {}", e.getMessage());
                throw e;
            }
        }
    }

    @Modified
    void modified(TlsConfig config) {
        synchronized (lock) {
            Active current = active;
            try {
                TlsSettings settings = TlsSettings.of(config, etcDirectory);
                install(build(settings, current, FileStamp.Pair.of(settings)));
                reschedule();
            } catch (InvalidConfigurationException e) {
                LOG.error("TLS configuration refused, {}; keeping the previous TLS setup", e.getMessage());
            } catch (KeyMaterialException e) {
                LOG.error("TLS configuration not applied, {}; keeping the previous TLS setup (certificate {})",
                        e.getMessage(), current.fingerprint());
            }
        }
    }

    @Deactivate
    void deactivate() {
        ScheduledExecutorService stopping;
        synchronized (lock) {
            stopping = poller;
            poller = null;
            pollTask = null;
        }
        if (stopping != null) {
            // No interrupt: a check in progress finishes its file reads rather than failing on them.
            stopping.shutdown();
            try {
                if (!stopping.awaitTermination(10, TimeUnit.SECONDS)) {
                    stopping.shutdownNow();
                }
            } catch (InterruptedException e) {
                stopping.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public SSLEngine createServerEngine(String peerHost, int peerPort) {
        Active current = active;
        SSLEngine engine = current.context().createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(current.policy().protocols()); // SSLParameters copies the arrays
        parameters.setCipherSuites(current.policy().cipherSuites());
        parameters.setUseCipherSuitesOrder(true);
        // "Want" lets a client without a (trusted) certificate connect and sign in another way;
        // setNeedClientAuth(false) also clears "want", so the order matters.
        ClientCertificates clients = current.clientCertificates();
        parameters.setNeedClientAuth(false);
        if (clients.required()) {
            parameters.setNeedClientAuth(true);
        } else if (clients.asked()) {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    @Override
    public X509Certificate certificate() {
        return active.material().leaf();
    }

    @Override
    public String fingerprint() {
        return active.fingerprint();
    }

    @Override
    public KeyStore keyStore(char[] password) {
        try {
            return pkcs12(active.material(), password);
        } catch (GeneralSecurityException | IOException e) {
            // The same material already made the served context, so this is a JDK fault, not the operator's.
            throw new IllegalStateException("cannot put the served key into a PKCS#12 key store: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> clientCertificateProblem(List<X509Certificate> chain) {
        return active.clientCertificates().problem(chain);
    }

    /** Starts checking the files every {@code reloadIntervalSeconds}; {@link #deactivate()} stops it. */
    void startPolling() {
        synchronized (lock) {
            if (poller == null) {
                poller = Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread thread = new Thread(task, "parley-tls-reload");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            reschedule();
        }
    }

    /**
     * Reloads the certificate and key if their files changed since they were loaded (or since the
     * last failed attempt, so that a broken file is reported once, not at every check). A failure
     * keeps the current context.
     */
    void checkForChanges() {
        synchronized (lock) {
            Active current = active;
            TlsSettings settings = current.settings();
            FileStamp.Pair stamps = FileStamp.Pair.of(settings);
            if (stamps.equals(current.stamps()) || stamps.equals(lastFailedStamps)) {
                return;
            }
            try {
                install(build(settings, current, stamps));
            } catch (KeyMaterialException | InvalidConfigurationException e) {
                lastFailedStamps = stamps;
                LOG.error("TLS reload failed, {}; keeping the current certificate {}", e.getMessage(),
                        current.fingerprint());
            }
        }
    }

    private void pollSafely() {
        try {
            checkForChanges();
        } catch (RuntimeException e) {
            // Keep the schedule alive: an exception would cancel every later check.
            LOG.error("Unexpected failure while checking the TLS certificate files", e);
        }
    }

    /** Guarded by lock: (re)schedules the check at the active interval, if polling was started. */
    private void reschedule() {
        int seconds = active.settings().reloadIntervalSeconds();
        if (poller == null || pollTask != null && seconds == pollIntervalSeconds) {
            return;
        }
        if (pollTask != null) {
            pollTask.cancel(false);
        }
        pollIntervalSeconds = seconds;
        pollTask = seconds == 0 ? null
                : poller.scheduleWithFixedDelay(this::pollSafely, seconds, seconds, TimeUnit.SECONDS);
    }

    /** Guarded by lock: publishes a new snapshot and logs what changed. */
    private void install(Active next) {
        Active previous = active;
        active = next;
        lastFailedStamps = null;
        if (previous == null || !previous.fingerprint().equals(next.fingerprint())) {
            KeyMaterial material = next.material();
            X509Certificate leaf = material.leaf();
            LOG.info("TLS serves the {} {} (key {}) for {}: subject {}, valid until {}, SHA-256 fingerprint {}",
                    material.source(), material.certificateFile(), material.keyFile(), next.settings().domain(),
                    leaf.getSubjectX500Principal().getName(), leaf.getNotAfter().toInstant(), next.fingerprint());
        }
        ClientCertificates clients = next.clientCertificates();
        if (previous == null ? clients.asked() : !previous.clientCertificates().sameAs(clients)) {
            if (!clients.asked()) {
                LOG.info("TLS asks for no client certificates (SASL EXTERNAL is not offered)");
            } else {
                LOG.info("TLS {} client certificates issued by {} ({}): {}",
                        clients.required() ? "requires" : "asks for (does not require)", clients.file(),
                        clients.authorities().size() + " authorities",
                        clients.authorities().stream().map(c -> c.getSubjectX500Principal().getName()).toList());
            }
        }
        if (previous == null || !Arrays.equals(previous.policy().protocols(), next.policy().protocols())
                || !Arrays.equals(previous.policy().cipherSuites(), next.policy().cipherSuites())) {
            LOG.info("TLS protocols {}, cipher suites in preference order {}",
                    Arrays.toString(next.policy().protocols()), Arrays.toString(next.policy().cipherSuites()));
        }
    }

    /**
     * Loads the key material for the settings and makes the context.
     *
     * @param previous the snapshot in use, or null at activation
     * @param stamps the files' stamps, taken before they are read: a change during the read is seen next time
     */
    private Active build(TlsSettings settings, Active previous, FileStamp.Pair stamps)
            throws KeyMaterialException, InvalidConfigurationException {
        KeyMaterial material = loadMaterial(settings, previous);
        ClientCertificates clients;
        try {
            clients = ClientCertificates.load(settings.clientCaFile(), settings.requireClientCertificates(), clock);
        } catch (KeyMaterialException e) {
            if (previous != null) {
                throw e; // the running setup stays
            }
            // At start there is nothing to keep; the server's own TLS must not fail for this. Fails
            // closed: required stays required, with no authority that could satisfy it.
            LOG.error("TLS client certificates cannot be used, {}; {} until the file is fixed", e.getMessage(),
                    settings.requireClientCertificates() ? "no client can connect"
                            : "none are asked for (SASL EXTERNAL is not offered)");
            clients = ClientCertificates.load(null, settings.requireClientCertificates(), clock);
        }
        SSLContext context = newContext(material, clients);
        List<String> unsupported = new ArrayList<>();
        SSLParameters supported = context.getSupportedSSLParameters();
        TlsPolicy.Effective policy = settings.policy().restrictTo(supported.getProtocols(),
                supported.getCipherSuites(), unsupported);
        if (!unsupported.isEmpty()) {
            LOG.warn("TLS: this JDK does not support the configured cipher suites {}; they are left out",
                    unsupported);
        }
        return new Active(settings, material, material.fingerprint(), context, policy, stamps, clients);
    }

    private KeyMaterial loadMaterial(TlsSettings settings, Active previous) throws KeyMaterialException {
        Path certificateFile = settings.certificateFile();
        Path keyFile = settings.keyFile();
        boolean haveCertificate = Files.exists(certificateFile);
        boolean haveKey = Files.exists(keyFile);
        if (haveCertificate && haveKey) {
            return loadOperatorMaterial(settings);
        }
        if (haveCertificate) {
            throw new KeyMaterialException(keyFile, "does not exist, but the certificate " + certificateFile
                    + " does; install both (or neither, for a self-signed certificate)");
        }
        if (haveKey) {
            throw new KeyMaterialException(certificateFile, "does not exist, but the private key " + keyFile
                    + " does; install both (or neither, for a self-signed certificate)");
        }
        if (previous != null && previous.material().source() == KeyMaterial.Source.OPERATOR) {
            // Most likely a deployment in progress or a mistake; silently downgrading to a
            // self-signed certificate would break every client that verifies the server.
            throw new KeyMaterialException(certificateFile, "no longer exists, nor does the private key " + keyFile
                    + "; the operator certificate stays in use (a self-signed certificate is only generated at start)");
        }
        return selfSigned.reuseOrGenerate(settings.domain());
    }

    private KeyMaterial loadOperatorMaterial(TlsSettings settings) throws KeyMaterialException {
        Path certificateFile = settings.certificateFile();
        List<X509Certificate> chain = Pem.readCertificates(certificateFile);
        PrivateKey key = Pem.readPrivateKey(settings.keyFile());
        KeyMaterial.checkKeyMatchesCertificate(key, chain.get(0), settings.keyFile());
        X509Certificate leaf = chain.get(0);
        // Served anyway, as the operator chose it; but say why clients will complain.
        try {
            leaf.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            LOG.warn("TLS certificate {} expired on {}; clients will reject it", certificateFile,
                    leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            LOG.warn("TLS certificate {} is not valid before {}; clients will reject it until then", certificateFile,
                    leaf.getNotBefore().toInstant());
        }
        if (!settings.domain().isCoveredBy(leaf)) {
            LOG.warn("TLS certificate {} does not name the served domain {} (subject {}); clients that verify "
                    + "it will reject it", certificateFile, settings.domain(), leaf.getSubjectX500Principal().getName());
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (!chain.get(i).getIssuerX500Principal().equals(chain.get(i + 1).getSubjectX500Principal())) {
                LOG.warn("TLS certificate chain {} is not in order (leaf first, then each issuer): certificate {} "
                        + "was not issued by certificate {}", certificateFile, i + 1, i + 2);
                break;
            }
        }
        return new KeyMaterial(chain, key, KeyMaterial.Source.OPERATOR, certificateFile, settings.keyFile());
    }

    /**
     * A SunJSSE context over an in-memory PKCS#12 key store. The key store is what turns Bouncy
     * Castle's key object into the JDK's own: SunJSSE then never touches Bouncy Castle classes.
     */
    private SSLContext newContext(KeyMaterial material, ClientCertificates clients) throws KeyMaterialException {
        try {
            char[] password = new char[24];
            for (int i = 0; i < password.length; i++) {
                password[i] = (char) ('a' + random.nextInt(26));
            }
            KeyStore store = pkcs12(material, password);
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS", "SunJSSE");
            context.init(keyManagers.getKeyManagers(), new TrustManager[] {clients.trustManager()}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new KeyMaterialException(material.keyFile(), "cannot be used for TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore pkcs12(KeyMaterial material, char[] password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", material.key(), password, material.chain().toArray(new X509Certificate[0]));
        return store;
    }

    private static Path frameworkDirectory(BundleContext context, String property) {
        String value = context.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("The framework property " + property + " is not set");
        }
        Path directory = Path.of(value);
        if (!directory.isAbsolute()) {
            throw new IllegalStateException("The framework property " + property
                    + " must be an absolute directory, not " + value);
        }
        return directory;
    }

    /** Everything an engine is made from, replaced as a whole. */
    private record Active(TlsSettings settings, KeyMaterial material, String fingerprint, SSLContext context,
            TlsPolicy.Effective policy, FileStamp.Pair stamps, ClientCertificates clientCertificates) {
    }
}
