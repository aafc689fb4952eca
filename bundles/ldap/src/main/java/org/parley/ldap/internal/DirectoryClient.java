package org.parley.ldap.internal;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.apache.directory.api.ldap.codec.api.LdapApiService;
import org.apache.directory.api.ldap.model.cursor.SearchCursor;
import org.apache.directory.api.ldap.model.message.AliasDerefMode;
import org.apache.directory.api.ldap.model.message.BindRequestImpl;
import org.apache.directory.api.ldap.model.message.BindResponse;
import org.apache.directory.api.ldap.model.message.Response;
import org.apache.directory.api.ldap.model.message.ResultCodeEnum;
import org.apache.directory.api.ldap.model.message.SearchRequest;
import org.apache.directory.api.ldap.model.message.SearchRequestImpl;
import org.apache.directory.api.ldap.model.message.SearchResultDone;
import org.apache.directory.api.ldap.model.message.SearchResultEntry;
import org.apache.directory.api.ldap.model.message.SearchScope;
import org.apache.directory.api.ldap.model.name.Dn;
import org.apache.directory.ldap.client.api.DefaultLdapConnectionFactory;
import org.apache.directory.ldap.client.api.LdapConnection;
import org.apache.directory.ldap.client.api.LdapConnectionConfig;
import org.apache.directory.ldap.client.api.LdapConnectionPool;
import org.apache.directory.ldap.client.api.ValidatingPoolableLdapConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking LDAP operations, against the configured servers in order: a server that cannot be
 * reached, times out or fails is passed over for {@code retrySeconds} and the next one is asked;
 * when none answers the operation fails with {@link DirectoryUnavailableException}. Each server has
 * a pool of connections bound as the service account; a user's bind borrows one and the pool binds
 * it back as the service account when it is returned (Directory API's validating factory).
 *
 * <p>Call only from worker threads: every method may wait up to the configured timeouts.
 */
final class DirectoryClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryClient.class);

    /** Bind answers that mean "these credentials do not sign in", as opposed to a directory in trouble. */
    private static final Set<ResultCodeEnum> REFUSED = Set.of(ResultCodeEnum.INVALID_CREDENTIALS,
            ResultCodeEnum.INAPPROPRIATE_AUTHENTICATION, ResultCodeEnum.UNWILLING_TO_PERFORM,
            ResultCodeEnum.INSUFFICIENT_ACCESS_RIGHTS, ResultCodeEnum.NO_SUCH_OBJECT, ResultCodeEnum.INVALID_DN_SYNTAX);

    /** What a search for one username found. */
    sealed interface Found {
    }

    record User(String dn) implements Found {
    }

    record Nobody() implements Found {
    }

    /** More than one entry matched: refused, so that no one signs in as a name that is not theirs alone. */
    record Ambiguous(int count) implements Found {
    }

    private final LdapSettings settings;
    private final List<Endpoint> endpoints;
    private final LongSupplier nanoClock;
    private final LdapApiService codec;

    private final class Endpoint {
        final LdapSettings.Server server;
        final LdapConnectionPool pool;
        /** Passed over until then; 0 while it answers. */
        volatile long downUntil;
        volatile boolean down;

        Endpoint(LdapSettings.Server server, TrustManager[] trust) {
            this.server = server;
            LdapConnectionConfig c = new LdapConnectionConfig();
            c.setLdapHost(server.host());
            c.setLdapPort(server.port());
            c.setUseSsl(server.ldaps());
            c.setUseTls(!server.ldaps() && settings.startTls());
            if (trust != null) {
                c.setTrustManagers(trust);
            }
            // Check that the certificate names the host we asked for, not only that a trusted CA signed it.
            c.setSslEndpointIdentificationAlgorithm("HTTPS");
            c.setEnabledProtocols("TLSv1.3", "TLSv1.2");
            c.setConnectTimeout(settings.connectTimeout().toMillis());
            c.setTimeout(settings.timeout().toMillis());
            c.setReadOperationTimeout(settings.timeout().toMillis());
            c.setWriteOperationTimeout(settings.timeout().toMillis());
            c.setSendTimeout(settings.timeout().toMillis());
            c.setCloseTimeout(settings.timeout().toMillis());
            if (!settings.bindDn().isEmpty()) {
                c.setName(settings.bindDn());
                c.setCredentials(settings.bindPassword());
            }
            c.setLdapApiService(codec);
            DefaultLdapConnectionFactory factory = new DefaultLdapConnectionFactory(c);
            // The codec service of the OSGi registry, not the library's static singleton, which outside a
            // framework (and before its bundles have started) has no MINA codec and no StartTLS operation.
            factory.setLdapApiService(codec);
            factory.setTimeOut(settings.timeout().toMillis());
            GenericObjectPoolConfig<LdapConnection> poolConfig = new GenericObjectPoolConfig<>();
            poolConfig.setMaxTotal(settings.maxConnections());
            poolConfig.setMaxIdle(settings.maxConnections());
            poolConfig.setMinIdle(0);
            poolConfig.setMaxWait(settings.connectTimeout().plus(settings.timeout()));
            poolConfig.setBlockWhenExhausted(true);
            // A connection the server closed (restart, idle timeout) is found out before it is used.
            poolConfig.setTestOnBorrow(true);
            poolConfig.setJmxEnabled(false);
            this.pool = new LdapConnectionPool(new ValidatingPoolableLdapConnectionFactory(factory), poolConfig);
        }

        boolean skipped(long now) {
            return down && now - downUntil < 0;
        }

        void failed(Exception e) {
            downUntil = nanoClock.getAsLong() + settings.retryAfter().toNanos();
            if (!down) {
                down = true;
                LOG.warn("LDAP server {} failed ({}); passing it over for {} s", server, describe(e),
                        settings.retryAfter().toSeconds());
            }
        }

        void answered() {
            if (down) {
                down = false;
                LOG.info("LDAP server {} answers again", server);
            }
        }
    }

    @FunctionalInterface
    private interface Operation<T> {
        T run(LdapConnection connection) throws Exception;
    }

    DirectoryClient(LdapSettings settings, LdapApiService codec) {
        this(settings, codec, System::nanoTime);
    }

    DirectoryClient(LdapSettings settings, LdapApiService codec, LongSupplier nanoClock) {
        this.settings = settings;
        this.codec = codec;
        this.nanoClock = nanoClock;
        TrustManager[] trust = trustManagers(settings.trustedCas());
        List<Endpoint> list = new ArrayList<>();
        for (LdapSettings.Server s : settings.servers()) {
            list.add(new Endpoint(s, trust));
        }
        this.endpoints = List.copyOf(list);
    }

    LdapSettings settings() {
        return settings;
    }

    /** Searches the user as the service account: the entry the filter selects for this username. */
    Found find(String username) throws DirectoryUnavailableException {
        String filter = LdapFilters.userFilter(settings, username);
        return withServer("search for '" + username + "'", connection -> {
            SearchRequest request = new SearchRequestImpl();
            request.setBase(new Dn(settings.baseDn()));
            request.setScope(SearchScope.SUBTREE);
            request.setFilter(filter);
            request.setSizeLimit(2);
            request.setTimeLimit((int) Math.max(1, settings.timeout().toSeconds()));
            request.setDerefAliases(AliasDerefMode.NEVER_DEREF_ALIASES);
            request.addAttributes("1.1"); // RFC 4511 4.5.1.8: no attributes, the DN is all we need
            List<String> dns = new ArrayList<>(2);
            try (SearchCursor cursor = connection.search(request)) {
                while (cursor.next()) {
                    Response response = cursor.get();
                    if (response instanceof SearchResultEntry entry) {
                        dns.add(entry.getEntry().getDn().getName());
                    }
                }
                SearchResultDone done = cursor.getSearchResultDone();
                ResultCodeEnum code = done == null ? ResultCodeEnum.OTHER : done.getLdapResult().getResultCode();
                if (code != ResultCodeEnum.SUCCESS && code != ResultCodeEnum.SIZE_LIMIT_EXCEEDED) {
                    if (code == ResultCodeEnum.NO_SUCH_OBJECT) {
                        throw new IllegalStateException("the base DN '" + settings.baseDn() + "' does not exist (key 'baseDn')");
                    }
                    throw new IllegalStateException("search answered " + code + ": " + done.getLdapResult().getDiagnosticMessage());
                }
            }
            if (dns.isEmpty()) {
                return new Nobody();
            }
            return dns.size() == 1 ? new User(dns.get(0)) : new Ambiguous(dns.size());
        });
    }

    /**
     * Binds as the user (RFC 4513 5.1.3, simple bind): true when the directory accepts the password,
     * false when it refuses it. An empty password is never sent: the directory would take it for an
     * unauthenticated bind and succeed.
     */
    boolean bind(String dn, String password) throws DirectoryUnavailableException {
        if (password == null || password.isEmpty()) {
            return false;
        }
        return withServer("bind", connection -> {
            BindRequestImpl request = new BindRequestImpl();
            request.setDn(new Dn(dn));
            request.setCredentials(password);
            request.setSimple(true);
            BindResponse response = connection.bind(request);
            ResultCodeEnum code = response.getLdapResult().getResultCode();
            if (code == ResultCodeEnum.SUCCESS) {
                return true;
            }
            if (REFUSED.contains(code)) {
                LOG.debug("LDAP bind as {} refused: {}", dn, code);
                return false;
            }
            throw new IllegalStateException("bind answered " + code + ": " + response.getLdapResult().getDiagnosticMessage());
        });
    }

    /**
     * The values of some attributes of one entry, as the service account reads them: text as
     * String, binary (jpegPhoto) as byte[]; an attribute the entry lacks is absent from the map.
     */
    java.util.Map<String, List<Object>> attributes(String dn, java.util.Collection<String> names)
            throws DirectoryUnavailableException {
        return withServer("read of " + dn, connection -> {
            SearchRequest request = new SearchRequestImpl();
            request.setBase(new Dn(dn));
            request.setScope(SearchScope.OBJECT);
            request.setFilter("(objectClass=*)");
            request.setSizeLimit(1);
            request.setTimeLimit((int) Math.max(1, settings.timeout().toSeconds()));
            request.setDerefAliases(AliasDerefMode.NEVER_DEREF_ALIASES);
            request.addAttributes(names.toArray(new String[0]));
            java.util.Map<String, List<Object>> values = new java.util.HashMap<>();
            try (SearchCursor cursor = connection.search(request)) {
                while (cursor.next()) {
                    if (cursor.get() instanceof SearchResultEntry entry) {
                        for (String name : names) {
                            org.apache.directory.api.ldap.model.entry.Attribute a = entry.getEntry().get(name);
                            if (a == null) {
                                continue;
                            }
                            List<Object> list = new ArrayList<>();
                            for (org.apache.directory.api.ldap.model.entry.Value v : a) {
                                list.add(v.isHumanReadable() ? v.getString() : v.getBytes());
                            }
                            values.put(name, list);
                        }
                    }
                }
            }
            return values;
        });
    }

    /** An entry a search found: its DN and the text values of the attributes asked for. */
    record Entry(String dn, java.util.Map<String, List<String>> attributes) {
        List<String> values(String name) {
            for (java.util.Map.Entry<String, List<String>> e : attributes.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return List.of();
        }
    }

    /**
     * Every entry under a base that a filter selects, with some attributes, as the service account.
     * No paging: a directory whose size limit is below the number of entries answers with as many as
     * it allows, and that is treated as a failure rather than as a shorter list.
     *
     * @return null when the base does not exist
     */
    List<Entry> searchAll(String base, String filter, java.util.Collection<String> names) throws DirectoryUnavailableException {
        return withServer("search under " + base, connection -> {
            SearchRequest request = new SearchRequestImpl();
            request.setBase(new Dn(base));
            request.setScope(SearchScope.SUBTREE);
            request.setFilter(filter);
            request.setSizeLimit(0);
            request.setTimeLimit((int) Math.max(1, settings.timeout().toSeconds()));
            request.setDerefAliases(AliasDerefMode.NEVER_DEREF_ALIASES);
            request.addAttributes(names.toArray(new String[0]));
            List<Entry> entries = new ArrayList<>();
            try (SearchCursor cursor = connection.search(request)) {
                while (cursor.next()) {
                    if (cursor.get() instanceof SearchResultEntry result) {
                        java.util.Map<String, List<String>> values = new java.util.HashMap<>();
                        for (String name : names) {
                            org.apache.directory.api.ldap.model.entry.Attribute a = result.getEntry().get(name);
                            if (a != null) {
                                List<String> list = new ArrayList<>();
                                for (org.apache.directory.api.ldap.model.entry.Value v : a) {
                                    if (v.isHumanReadable()) {
                                        list.add(v.getString());
                                    }
                                }
                                values.put(name, list);
                            }
                        }
                        entries.add(new Entry(result.getEntry().getDn().getName(), values));
                    }
                }
                SearchResultDone done = cursor.getSearchResultDone();
                ResultCodeEnum code = done == null ? ResultCodeEnum.OTHER : done.getLdapResult().getResultCode();
                if (code == ResultCodeEnum.NO_SUCH_OBJECT) {
                    return null; // the operator's base is wrong, the server is fine: not a reason to pass it over
                }
                if (code != ResultCodeEnum.SUCCESS) {
                    throw new IllegalStateException("search under '" + base + "' answered " + code + ": "
                            + done.getLdapResult().getDiagnosticMessage());
                }
            }
            return entries;
        });
    }

    /** Opens (or borrows) one connection to each server; the servers that could not be reached, with why. */
    List<String> unreachable() {
        List<String> failures = new ArrayList<>();
        for (Endpoint e : endpoints) {
            try {
                LdapConnection c = e.pool.getConnection();
                e.pool.releaseConnection(c);
                e.answered();
            } catch (Exception ex) {
                failures.add(e.server + ": " + describe(ex));
            }
        }
        return failures;
    }

    private <T> T withServer(String what, Operation<T> operation) throws DirectoryUnavailableException {
        long now = nanoClock.getAsLong();
        List<String> failures = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (e.skipped(now)) {
                failures.add(e.server + ": passed over after a failure");
                continue;
            }
            LdapConnection connection;
            try {
                connection = e.pool.getConnection();
            } catch (Exception ex) {
                e.failed(ex);
                failures.add(e.server + ": " + describe(ex));
                continue;
            }
            boolean broken = true;
            try {
                T result = operation.run(connection);
                broken = false;
                e.answered();
                return result;
            } catch (Exception ex) {
                e.failed(ex);
                failures.add(e.server + ": " + describe(ex));
            } finally {
                giveBack(e, connection, broken);
            }
        }
        throw new DirectoryUnavailableException("LDAP " + what + ": no directory server answered " + failures);
    }

    private static void giveBack(Endpoint e, LdapConnection connection, boolean broken) {
        try {
            if (broken) {
                e.pool.invalidateObject(connection);
            } else {
                e.pool.releaseConnection(connection);
            }
        } catch (Exception ex) {
            // The pool could not bind it back as the service account: it drops it and opens another later.
            LOG.debug("LDAP connection to {} dropped: {}", e.server, describe(ex));
        }
    }

    private static TrustManager[] trustManagers(List<X509Certificate> cas) {
        if (cas.isEmpty()) {
            return null; // the JVM's default CAs
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : cas) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            return f.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a trust store of the configured CAs", e);
        }
    }

    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 4; depth++, t = t.getCause()) {
            if (depth > 0) {
                s.append(" <- ");
            }
            s.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                s.append(": ").append(t.getMessage());
            }
        }
        return s.toString();
    }

    @Override
    public void close() {
        for (Endpoint e : endpoints) {
            try {
                e.pool.close();
            } catch (RuntimeException ex) {
                LOG.debug("closing the pool of {}: {}", e.server, describe(ex));
            }
        }
    }
}
