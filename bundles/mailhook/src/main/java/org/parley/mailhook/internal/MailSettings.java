package org.parley.mailhook.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * The configuration checked and parsed: every value that cannot work is refused here, with the key
 * named, before anything uses it.
 */
record MailSettings(Smtp smtp, String from, AddressTemplate recipients, boolean includeText, Duration interval,
        Backoff backoff) {

    enum Security { STARTTLS, SMTPS, NONE }

    /** How to reach the SMTP server. An empty username means no authentication. */
    record Smtp(String host, int port, Security security, String username, String password, Duration timeout) {
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
        Smtp smtp = new Smtp(host, port, security, username, password, Duration.ofSeconds(c.smtpTimeoutSeconds()));
        Backoff backoff = new Backoff(Duration.ofSeconds(c.retryInitialSeconds()), Duration.ofSeconds(c.retryMaxSeconds()),
                Duration.ofHours(c.retryGiveUpHours()));
        return new MailSettings(smtp, from, recipients, c.includeText(), Duration.ofSeconds(c.intervalSeconds()), backoff);
    }
}
