package org.parley.ldap.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.directory.api.ldap.model.filter.FilterParser;
import org.apache.directory.api.ldap.model.name.Dn;

/**
 * The directory configuration as checked values. {@link #parse} either gives settings that can be
 * used as a whole or the list of problems, each naming its key: the caller then keeps the
 * configuration it had, since the keys depend on each other (a bind DN without its password, a
 * filter for another base) and a half-applied configuration would be a third one nobody wrote.
 */
record LdapSettings(List<Server> servers, boolean startTls, List<X509Certificate> trustedCas, String bindDn,
        String bindPassword, String baseDn, String userFilter, String usernameAttribute, Duration connectTimeout,
        Duration timeout, int maxConnections, Duration retryAfter, Duration cacheTtl, Duration negativeCacheTtl,
        VCardMap vcard) {

    /** Which attribute fills which vCard field; null when vCards are not answered. */
    record VCardMap(java.util.Map<VCardField, String> attributes, int maxPhotoBytes) {
    }

    /** The vCard fields taken from the directory, with the configuration key that maps each. */
    enum VCardField {
        FULL_NAME("vcardFullName"), GIVEN_NAME("vcardGivenName"), FAMILY_NAME("vcardFamilyName"), EMAIL("vcardEmail"),
        ORGANISATION("vcardOrganisation"), UNIT("vcardUnit"), TITLE("vcardTitle"), PHONE("vcardPhone"), PHOTO("vcardPhoto");

        final String key;

        VCardField(String key) {
            this.key = key;
        }
    }

    /** One directory server: ldaps is TLS from the first byte, ldap is upgraded with StartTLS (or not at all). */
    record Server(String host, int port, boolean ldaps) {
        @Override
        public String toString() {
            return (ldaps ? "ldaps://" : "ldap://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** The longest an unknown name may be remembered: the UserDirectory contract's minute. */
    static final int MAX_NEGATIVE_CACHE_SECONDS = 60;
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+");

    /** Whether a directory is configured at all; without one the bundle answers "not mine" to everything. */
    boolean configured() {
        return !servers.isEmpty();
    }

    /** A configuration error: the key and what is wrong with its value. */
    record Problem(String key, String reason) {
        @Override
        public String toString() {
            return LdapConfig.PID + ": key '" + key + "': " + reason;
        }
    }

    /** Either settings or the problems that prevent them. */
    record Parsed(LdapSettings settings, List<Problem> problems) {
        boolean valid() {
            return problems.isEmpty();
        }
    }

    static Parsed parse(LdapConfig c, Path etc) {
        List<Problem> problems = new ArrayList<>();
        List<Server> servers = new ArrayList<>();
        // A .cfg file holds one string: "ldaps://a, ldaps://b" arrives as a single value.
        for (String value : c.urls() == null ? new String[0] : c.urls()) {
            for (String url : value == null ? new String[0] : value.trim().split("[,\\s]+")) {
                if (url.isEmpty()) {
                    continue;
                }
                try {
                    servers.add(server(url));
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem("urls", e.getMessage()));
                }
            }
        }
        if (servers.isEmpty() && problems.isEmpty()) {
            // Not configured: nothing else matters, and an unconfigured directory is valid.
            return new Parsed(new LdapSettings(List.of(), c.startTls(), List.of(), "", "", "", c.userFilter(),
                    c.usernameAttribute(), Duration.ofMillis(5000), Duration.ofMillis(5000), 1, Duration.ofSeconds(10),
                    Duration.ZERO, Duration.ZERO, null), List.of());
        }
        List<X509Certificate> cas = List.of();
        String caFile = c.caCertificate() == null ? "" : c.caCertificate().trim();
        if (!caFile.isEmpty()) {
            try {
                cas = certificates(etc == null ? Path.of(caFile) : etc.resolve(caFile));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("caCertificate", e.getMessage()));
            }
        }
        String bindDn = trimmed(c.bindDn());
        if (!bindDn.isEmpty() && !Dn.isValid(bindDn)) {
            problems.add(new Problem("bindDn", "'" + bindDn + "' is not a DN (RFC 4514)"));
        }
        String bindPassword = c.bindPassword() == null ? "" : c.bindPassword();
        if (!bindDn.isEmpty() && bindPassword.isEmpty()) {
            // An empty password makes the bind anonymous (RFC 4513 5.1.2): refuse rather than search as nobody.
            problems.add(new Problem("bindPassword", "is empty while bindDn is set"));
        }
        if (bindDn.isEmpty() && !bindPassword.isEmpty()) {
            problems.add(new Problem("bindDn", "is empty while bindPassword is set"));
        }
        String baseDn = trimmed(c.baseDn());
        if (baseDn.isEmpty()) {
            problems.add(new Problem("baseDn", "is required: the DN under which users are searched"));
        } else if (!Dn.isValid(baseDn)) {
            problems.add(new Problem("baseDn", "'" + baseDn + "' is not a DN (RFC 4514)"));
        }
        String filter = trimmed(c.userFilter());
        if (filter.isEmpty()) {
            problems.add(new Problem("userFilter", "is required, e.g. (objectClass=inetOrgPerson)"));
        } else {
            try {
                FilterParser.parse(filter);
                if (!filter.startsWith("(") || !filter.endsWith(")")) {
                    throw new ParseException("not enclosed in parentheses", 0);
                }
            } catch (ParseException | RuntimeException e) {
                problems.add(new Problem("userFilter", "'" + filter + "' is not an RFC 4515 filter: " + e.getMessage()));
            }
        }
        String attribute = trimmed(c.usernameAttribute());
        if (!ATTRIBUTE.matcher(attribute).matches()) {
            problems.add(new Problem("usernameAttribute", "'" + attribute + "' is not an attribute name or OID"));
        }
        int connectTimeout = range(problems, "connectTimeoutMillis", c.connectTimeoutMillis(), 100, 120_000);
        int timeout = range(problems, "timeoutMillis", c.timeoutMillis(), 100, 300_000);
        int maxConnections = range(problems, "maxConnections", c.maxConnections(), 1, 1000);
        int retry = range(problems, "retrySeconds", c.retrySeconds(), 1, 3600);
        int cache = range(problems, "cacheSeconds", c.cacheSeconds(), 0, 86_400);
        int negative = range(problems, "negativeCacheSeconds", c.negativeCacheSeconds(), 0, MAX_NEGATIVE_CACHE_SECONDS);
        VCardMap vcard = null;
        if (c.vcards()) {
            java.util.Map<VCardField, String> map = new java.util.EnumMap<>(VCardField.class);
            String[] values = {c.vcardFullName(), c.vcardGivenName(), c.vcardFamilyName(), c.vcardEmail(), c.vcardOrganisation(),
                c.vcardUnit(), c.vcardTitle(), c.vcardPhone(), c.vcardPhoto()};
            for (VCardField f : VCardField.values()) {
                String a = trimmed(values[f.ordinal()]);
                if (a.isEmpty()) {
                    continue;
                }
                if (!ATTRIBUTE.matcher(a).matches()) {
                    problems.add(new Problem(f.key, "'" + a + "' is not an attribute name or OID"));
                }
                map.put(f, a);
            }
            int maxPhoto = range(problems, "vcardMaxPhotoBytes", c.vcardMaxPhotoBytes(), 0, 1 << 20);
            vcard = new VCardMap(java.util.Collections.unmodifiableMap(map), maxPhoto);
        }
        if (!problems.isEmpty()) {
            return new Parsed(null, List.copyOf(problems));
        }
        return new Parsed(new LdapSettings(List.copyOf(servers), c.startTls(), cas, bindDn, bindPassword, baseDn, filter,
                attribute, Duration.ofMillis(connectTimeout), Duration.ofMillis(timeout), maxConnections,
                Duration.ofSeconds(retry), Duration.ofSeconds(cache), Duration.ofSeconds(negative), vcard), List.of());
    }

    /** Whether passwords would cross the network in clear (logged as a warning, not refused: a local directory). */
    boolean plaintext() {
        return !startTls && servers.stream().anyMatch(s -> !s.ldaps());
    }

    static Server server(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean ldaps;
        if (scheme.equals("ldaps")) {
            ldaps = true;
        } else if (scheme.equals("ldap")) {
            ldaps = false;
        } else {
            throw new IllegalArgumentException("'" + url + "': the scheme must be ldap or ldaps");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("'" + url + "' names no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null
                || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
            throw new IllegalArgumentException("'" + url + "': only scheme, host and port belong here; "
                    + "the search base is 'baseDn' and the filter 'userFilter'");
        }
        int port = uri.getPort() == -1 ? (ldaps ? 636 : 389) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + url + "': port out of range");
        }
        return new Server(host, port, ldaps);
    }

    private static List<X509Certificate> certificates(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> list = new ArrayList<>();
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                list.add((X509Certificate) cert);
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no PEM certificate");
            }
            return List.copyOf(list);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not a readable PEM certificate file: " + e.getMessage());
        }
    }

    private static int range(List<Problem> problems, String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(new Problem(key, "must be between " + min + " and " + max + ", got " + value));
        }
        return value;
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.trim();
    }

    /** For logs: everything but the password. */
    @Override
    public String toString() {
        return "servers " + servers + (plaintext() ? " without TLS" : "") + ", base '" + baseDn + "', filter " + userFilter
                + ", username attribute " + usernameAttribute + ", bind " + (bindDn.isEmpty() ? "anonymous" : "'" + bindDn + "'");
    }
}
