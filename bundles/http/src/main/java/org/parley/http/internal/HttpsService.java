package org.parley.http.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.tls.TlsContextProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Felix HTTP's Jetty serve HTTPS with the tls bundle's certificate: writes the served key
 * as a PKCS#12 file readable by the server's user only ({@code data/http/https.p12}, a new random
 * password each time it is written) and hands Felix HTTP its configuration. The tls bundle
 * reloads certificates on its own; this component compares fingerprints every
 * {@code certificateCheckSeconds} and, when the certificate changed, writes the store again, which
 * makes Felix HTTP restart Jetty with it.
 *
 * <p>When nothing changed (this bundle upgraded, the same certificate), Felix HTTP's
 * configuration is left as it is, so Jetty keeps running and keeps its connections. An invalid
 * value in {@code org.parley.http.cfg} is refused with its key and the reason, and the running
 * HTTPS configuration stays.
 */
@Component(immediate = true, service = {}, configurationPid = HttpConfig.PID)
public final class HttpsService {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsService.class);

    private final TlsContextProvider tls;
    private final ConfigurationAdmin configAdmin;
    private final Path keyStoreFile;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService checker;
    private final Object lock = new Object();
    private HttpsSettings settings; // guarded by lock

    @Activate
    public HttpsService(HttpConfig config, BundleContext context, @Reference TlsContextProvider tls,
            @Reference ConfigurationAdmin configAdmin) throws HttpsSettings.InvalidSettingException, IOException {
        this.tls = tls;
        this.configAdmin = configAdmin;
        String data = context.getProperty("parley.data");
        if (data == null) {
            throw new IllegalStateException("framework property parley.data is not set");
        }
        this.keyStoreFile = Path.of(data, "http", "https.p12");
        try {
            this.settings = HttpsSettings.of(config);
        } catch (HttpsSettings.InvalidSettingException e) {
            LOG.error("HTTPS cannot start: {}", e.getMessage());
            throw e;
        }
        publish();
        checker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "parley-https-certificate");
            thread.setDaemon(true);
            return thread;
        });
        checker.scheduleWithFixedDelay(this::checkCertificate, settings.certificateCheckSeconds(),
                settings.certificateCheckSeconds(), TimeUnit.SECONDS);
    }

    @Modified
    void modified(HttpConfig config) {
        synchronized (lock) {
            try {
                settings = HttpsSettings.of(config);
            } catch (HttpsSettings.InvalidSettingException e) {
                LOG.error("HTTPS configuration refused, {}; HTTPS keeps listening on {}:{}", e.getMessage(),
                        settings.bindAddress(), settings.port());
                return;
            }
            try {
                publish();
            } catch (IOException | RuntimeException e) {
                LOG.error("HTTPS configuration not applied: {}", e.toString());
            }
        }
    }

    @Deactivate
    void deactivate() {
        // Felix HTTP's configuration stays: Jetty goes on serving while this bundle is replaced,
        // and the successor finds it current and leaves it alone.
        checker.shutdownNow();
    }

    private void checkCertificate() {
        try {
            synchronized (lock) {
                publish();
            }
        } catch (IOException | RuntimeException e) {
            // Keep the schedule alive: an exception would cancel every later check.
            LOG.error("HTTPS could not take the new certificate: {}", e.toString());
        }
    }

    /**
     * Hands Felix HTTP the configuration for the current settings and certificate, unless it has
     * it already. Writes the key store only when the certificate in it is not the served one.
     */
    private void publish() throws IOException {
        Configuration felix = configAdmin.getConfiguration(FelixHttpConfiguration.PID, "?");
        Dictionary<String, Object> current = felix.getProperties();
        String fingerprint = tls.fingerprint();
        String password = null;
        if (current != null && fingerprint.equals(current.get(FelixHttpConfiguration.FINGERPRINT))
                && keyStoreFile.toString().equals(current.get(FelixHttpConfiguration.KEYSTORE))
                && Files.isRegularFile(keyStoreFile)) {
            password = (String) current.get(FelixHttpConfiguration.KEYSTORE_PASSWORD);
        }
        if (password == null) {
            password = newPassword();
            writeKeyStore(password);
        }
        SSLEngine policy = tls.createServerEngine(null, -1);
        Hashtable<String, Object> wanted = FelixHttpConfiguration.of(settings, keyStoreFile, password, fingerprint,
                policy.getEnabledProtocols(), policy.getEnabledCipherSuites());
        if (current != null && sameValues(current, wanted)) {
            return;
        }
        felix.update(wanted);
        LOG.info("HTTPS on {}:{} with the certificate {} (TLS {})", settings.bindAddress(), settings.port(), fingerprint,
                String.join(", ", policy.getEnabledProtocols()));
    }

    private static boolean sameValues(Dictionary<String, Object> current, Map<String, Object> wanted) {
        for (Map.Entry<String, Object> e : wanted.entrySet()) {
            if (!Objects.equals(String.valueOf(e.getValue()), String.valueOf(current.get(e.getKey())))) {
                return false;
            }
        }
        return true;
    }

    private String newPassword() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Written beside its final name, owner-only from its creation, then moved into place in one step. */
    private void writeKeyStore(String password) throws IOException {
        Path directory = keyStoreFile.getParent();
        Files.createDirectories(directory);
        Path partial = directory.resolve(keyStoreFile.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(partial);
        }
        KeyStore store = tls.keyStore(password.toCharArray());
        try (OutputStream out = Files.newOutputStream(partial)) {
            store.store(out, password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write " + partial + ": " + e.getMessage(), e);
        }
        Files.move(partial, keyStoreFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
