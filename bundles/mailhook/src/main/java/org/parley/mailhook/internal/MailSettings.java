package org.parley.mailhook.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The configuration checked and parsed: every value that cannot work is refused here, with the key
 * named, before anything uses it.
 */
record MailSettings(Smtp smtp, String from, AddressTemplate recipients, boolean includeText, Duration interval,
        Backoff backoff) {

    enum Security { STARTTLS, SMTPS, NONE }

    /**
     * How to reach the SMTP server. An empty username means no authentication; a null socket
     * factory means the JVM's trusted CAs.
     */
    record Smtp(String host, int port, Security security, String username, String password, Duration timeout,
            SSLSocketFactory tls) {
        @Override
        public String toString() { // never the password
            return security.name().toLowerCase(Locale.ROOT) + "://" + (username.isEmpty() ? "" : username + "@") + host + ":" + port;
        }
    }

    /**
     * @param domain the served domain, for the default From address
     * @throws IllegalArgumentException whose message starts with the key at fault
     */
    static MailSettings from(MailHookConfig c, String domain) {
        return from(c, domain, null);
    }

    /**
     * @param etc the directory relative paths are read from (the instance's etc/), or null when
     *     only absolute ones can be
     * @throws IllegalArgumentException whose message starts with the key at fault
     */
    static MailSettings from(MailHookConfig c, String domain, Path etc) {
        String host = c.smtpHost() == null ? "" : c.smtpHost().strip();
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("smtpHost: '" + c.smtpHost() + "' is not a host name");
        }
        Security security;
        try {
            security = Security.valueOf(c.smtpSecurity().strip().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("smtpSecurity: '" + c.smtpSecurity() + "' is not one of starttls, smtps, none");
        }
        int port = c.smtpPort();
        if (port == 0) {
            port = switch (security) {
                case STARTTLS -> 587;
                case SMTPS -> 465;
                case NONE -> 25;
            };
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("smtpPort: " + c.smtpPort() + " is not a port (1 to 65535, or 0 for the usual one)");
        }
        String username = c.smtpUsername() == null ? "" : c.smtpUsername().strip();
        String password = c.smtpPassword() == null ? "" : c.smtpPassword();
        if (!username.isEmpty() && password.isEmpty()) {
            throw new IllegalArgumentException("smtpPassword: empty, but smtpUsername is set");
        }
        if (!username.isEmpty() && security == Security.NONE) {
            throw new IllegalArgumentException("smtpSecurity: none would send the SMTP password in clear; use starttls or smtps");
        }
        if (c.smtpTimeoutSeconds() < 1 || c.smtpTimeoutSeconds() > 600) {
            throw new IllegalArgumentException("smtpTimeoutSeconds: " + c.smtpTimeoutSeconds() + " is not between 1 and 600");
        }
        String from = c.from() == null || c.from().isBlank() ? "noreply@" + domain : c.from().strip();
        try {
            new InternetAddress(from, true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException("from: '" + from + "' is not a mail address (" + e.getMessage() + ")");
        }
        AddressTemplate recipients;
        try {
            recipients = AddressTemplate.parse(c.recipientTemplate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("recipientTemplate: '" + c.recipientTemplate() + "' " + e.getMessage());
        }
        if (c.intervalSeconds() < 0) {
            throw new IllegalArgumentException("intervalSeconds: " + c.intervalSeconds() + " is negative");
        }
        if (c.retryInitialSeconds() < 1) {
            throw new IllegalArgumentException("retryInitialSeconds: " + c.retryInitialSeconds() + " is less than 1");
        }
        if (c.retryMaxSeconds() < c.retryInitialSeconds()) {
            throw new IllegalArgumentException("retryMaxSeconds: " + c.retryMaxSeconds() + " is less than retryInitialSeconds ("
                    + c.retryInitialSeconds() + ")");
        }
        if (c.retryGiveUpHours() < 1) {
            throw new IllegalArgumentException("retryGiveUpHours: " + c.retryGiveUpHours() + " is less than 1");
        }
        SSLSocketFactory tls = null;
        String trusted = c.smtpTrustedCertificates() == null ? "" : c.smtpTrustedCertificates().strip();
        if (!trusted.isEmpty()) {
            if (security == Security.NONE) {
                throw new IllegalArgumentException("smtpTrustedCertificates: set, but smtpSecurity is none (no TLS to check)");
            }
            Path file = etc == null ? Path.of(trusted) : etc.resolve(trusted);
            try {
                tls = trusting(file);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException("smtpTrustedCertificates: " + file + " cannot be used (" + e.getMessage() + ")");
            }
        }
        Smtp smtp = new Smtp(host, port, security, username, password, Duration.ofSeconds(c.smtpTimeoutSeconds()), tls);
        Backoff backoff = new Backoff(Duration.ofSeconds(c.retryInitialSeconds()), Duration.ofSeconds(c.retryMaxSeconds()),
                Duration.ofHours(c.retryGiveUpHours()));
        return new MailSettings(smtp, from, recipients, c.includeText(), Duration.ofSeconds(c.intervalSeconds()), backoff);
    }

    /** TLS that trusts exactly the certificates in a PEM file (a CA, or the server's own). */
    static SSLSocketFactory trusting(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pem)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate in it");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("trusted-" + i++, certificate);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }
}
