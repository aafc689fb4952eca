package org.parley.ldap.internal;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import java.net.InetAddress;

/** A real directory server (UnboundID's in-memory one) on a loopback port, with a few people. */
final class TestDirectory implements AutoCloseable {
    static final String BASE = "dc=example,dc=org";
    static final String SERVICE_DN = "cn=parley,ou=services," + BASE;
    static final String SERVICE_PASSWORD = "service-secret";

    /** Connections the server accepted (from its access log). */
    final java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
    final InMemoryDirectoryServer server;
    private final int port;

    /** On a fixed free port, so that {@link #restart} brings it back where clients expect it. */
    TestDirectory() throws Exception {
        this(freePort());
    }

        TestDirectory(int port) throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        // RFC 2307's posixGroup (memberUid), which OpenLDAP directories use and UnboundID's standard schema lacks.
        config.setSchema(com.unboundid.ldap.sdk.schema.Schema.mergeSchemas(com.unboundid.ldap.sdk.schema.Schema.getDefaultStandardSchema(),
                new com.unboundid.ldap.sdk.schema.Schema(new com.unboundid.ldap.sdk.Entry("dn: cn=schema", "objectClass: top",
                        "objectClass: subschema", "cn: schema",
                        "attributeTypes: ( 1.3.6.1.1.1.1.12 NAME 'memberUid' EQUALITY caseExactIA5Match"
                                + " SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 )",
                        "attributeTypes: ( 1.3.6.1.1.1.1.1 NAME 'gidNumber' EQUALITY integerMatch"
                                + " SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )",
                        "objectClasses: ( 1.3.6.1.1.1.2.2 NAME 'posixGroup' SUP top STRUCTURAL MUST ( cn $ gidNumber )"
                                + " MAY ( userPassword $ memberUid $ description ) )"))));
        config.addAdditionalBindCredentials(SERVICE_DN, SERVICE_PASSWORD);
        config.addInMemoryOperationInterceptor(new com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor() {
            @Override
            public void processSearchRequest(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest request) {
                pause();
            }

            @Override
            public void processSimpleBindRequest(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest request) {
                pause();
            }
        });
        config.setAccessLogHandler(new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getMessage() != null && r.getMessage().contains("CONNECT")) {
                    connects.incrementAndGet();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), port, null));
        server = new InMemoryDirectoryServer(config);
        this.port = port;
        server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
        server.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
        server.add("dn: ou=services," + BASE, "objectClass: organizationalUnit", "ou: services");
        addPerson("alice", "alice-pw", "alice@example.org");
        addPerson("bob", "bob-pw", "bob@example.org");
        // No mail: outside a filter that asks for one.
        addPerson("carol", "carol-pw", null);
        server.startListening();
    }

    void addPerson(String uid, String password, String mail) throws Exception {
        if (mail == null) {
            server.add("dn: uid=" + uid + ",ou=people," + BASE, "objectClass: inetOrgPerson", "uid: " + uid,
                    "cn: " + uid, "sn: " + uid, "userPassword: " + password);
        } else {
            server.add("dn: uid=" + uid + ",ou=people," + BASE, "objectClass: inetOrgPerson", "uid: " + uid,
                    "cn: " + uid, "sn: " + uid, "userPassword: " + password, "mail: " + mail);
        }
    }

    /** Milliseconds every search and bind waits before it is answered: a directory that answers slowly. */
    volatile long delayMillis;

    private void pause() {
        long d = delayMillis;
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void stop() {
        server.shutDown(true);
    }

    void restart() throws LDAPException {
        server.startListening();
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String url() {
        return "ldap://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
