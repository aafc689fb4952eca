package org.parley.kerberos.internal;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.kerberos.KerberosKey;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KerberosTicket;
import javax.security.auth.kerberos.KeyTab;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.kerby.kerberos.kerb.KrbCodec;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.crypto.EncryptionHandler;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;
import org.apache.kerby.kerberos.kerb.type.KerberosTime;
import org.apache.kerby.kerberos.kerb.type.base.EncryptedData;
import org.apache.kerby.kerberos.kerb.type.base.EncryptionKey;
import org.apache.kerby.kerberos.kerb.type.base.KeyUsage;
import org.apache.kerby.kerberos.kerb.type.ticket.EncTicketPart;
import org.apache.kerby.kerberos.kerb.type.ticket.SgtTicket;
import org.apache.kerby.kerberos.kerb.type.ticket.TgtTicket;
import org.apache.kerby.kerberos.kerb.type.ticket.Ticket;

/**
 * A real KDC (Apache Kerby) on a free TCP port, one per JVM: the JDK reads its Kerberos
 * configuration ({@code java.security.krb5.conf}) once, so every test of the JVM shares this KDC
 * and the krb5.conf written for it. Users get their tickets from it through the JDK's own
 * Krb5LoginModule, as a real client would. In the kerberos bundle's test jar: its unit tests and the itests share it.
 */
public final class TestKdc {
    public static final String REALM = "EXAMPLE.TEST";
    public static final String HOST = "localhost";
    public static final String SERVICE = "xmpp/" + HOST + "@" + REALM;

    private static TestKdc shared;

    final SimpleKdcServer kdc;
    final Path dir;
    public final Path serviceKeytab;

    private TestKdc() throws Exception {
        dir = Files.createTempDirectory("kdc");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        kdc = new SimpleKdcServer();
        kdc.setWorkDir(dir.toFile());
        kdc.setKdcRealm(REALM);
        kdc.setKdcHost(HOST);
        kdc.setAllowUdp(false);
        kdc.setKdcTcpPort(port);
        kdc.init();
        kdc.start();
        // Our own krb5.conf: TCP only, and service names taken as written (no DNS canonicalisation).
        Path conf = dir.resolve("client-krb5.conf");
        Files.writeString(conf, "[libdefaults]\n default_realm = " + REALM + "\n udp_preference_limit = 1\n"
                + " dns_canonicalize_hostname = false\n rdns = false\n dns_lookup_kdc = false\n dns_lookup_realm = false\n"
                + "[realms]\n " + REALM + " = {\n  kdc = " + HOST + ":" + port + "\n }\n"
                + "[domain_realm]\n " + HOST + " = " + REALM + "\n");
        System.setProperty("java.security.krb5.conf", conf.toString());
        serviceKeytab = dir.resolve("xmpp.keytab");
        kdc.createPrincipal(SERVICE);
        kdc.exportPrincipal(SERVICE, serviceKeytab.toFile());
    }

    public static synchronized TestKdc shared() {
        if (shared == null) {
            try {
                shared = new TestKdc();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test KDC", e);
            }
        }
        return shared;
    }

    public void addUser(String name, String password) throws KrbException {
        kdc.createPrincipal(name + "@" + REALM, password);
    }

    /** Another service of the realm with a key of its own, e.g. {@code xmpp/otherhost}. */
    public void addService(String principal) throws KrbException {
        kdc.createPrincipal(principal);
    }

    /** The user's TGT, got from the KDC with the password through the JDK's Krb5LoginModule. */
    public Subject login(String name, String password) throws LoginException {
        Subject subject = new Subject();
        Configuration conf = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String n) {
                Map<String, String> options = new HashMap<>();
                options.put("principal", name + "@" + REALM);
                options.put("storeKey", "false");
                options.put("refreshKrb5Config", "true");
                return new AppConfigurationEntry[] {new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)};
            }
        };
        LoginContext login = new LoginContext("test", subject, callbacks -> {
            for (var cb : callbacks) {
                if (cb instanceof NameCallback n) {
                    n.setName(name + "@" + REALM);
                } else if (cb instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                }
            }
        }, conf);
        login.login();
        return subject;
    }

    /**
     * A subject whose ticket for the service expired an hour ago, as the server sees it: a ticket
     * the KDC issued, its encrypted part re-dated with the service's key. The copy the client holds
     * claims to be current, so the JDK client presents it instead of asking the KDC for a new one
     * (as a client with a wrong clock or a stale cache does).
     */
    public Subject withExpiredServiceTicket(String name, String password, String service, Path serviceKeytabFile) throws Exception {
        Subject subject = login(name, password);
        KrbClient client = kdc.getKrbClient();
        TgtTicket tgt = client.requestTgt(name + "@" + REALM, password);
        SgtTicket sgt = client.requestSgt(tgt, service);
        Ticket ticket = sgt.getTicket();
        KerberosPrincipal servicePrincipal = new KerberosPrincipal(service);
        KerberosKey[] keys = KeyTab.getInstance(servicePrincipal, serviceKeytabFile.toFile()).getKeys(servicePrincipal);
        EncryptedData sealed = ticket.getEncryptedEncPart();
        EncryptionKey key = null;
        for (KerberosKey k : keys) {
            if (k.getKeyType() == sealed.getEType().getValue()) {
                key = new EncryptionKey(k.getKeyType(), k.getEncoded(), k.getVersionNumber());
            }
        }
        if (key == null) {
            throw new IllegalStateException("no key of type " + sealed.getEType() + " for " + service);
        }
        EncTicketPart part = KrbCodec.decode(EncryptionHandler.decrypt(sealed, key, KeyUsage.KDC_REP_TICKET), EncTicketPart.class);
        long hour = 3600_000L;
        long now = System.currentTimeMillis();
        part.setAuthTime(new KerberosTime(now - 3 * hour));
        part.setStartTime(new KerberosTime(now - 3 * hour));
        part.setEndTime(new KerberosTime(now - hour));
        part.setRenewtill(null);
        EncryptedData resealed = EncryptionHandler.encrypt(KrbCodec.encode(part), key, KeyUsage.KDC_REP_TICKET);
        resealed.setKvno(sealed.getKvno());
        ticket.setEncryptedEncPart(resealed);
        EncryptionKey session = sgt.getSessionKey();
        boolean[] flags = new boolean[32];
        subject.getPrivateCredentials().add(new KerberosTicket(KrbCodec.encode(ticket),
                new KerberosPrincipal(name + "@" + REALM), servicePrincipal, session.getKeyData(),
                session.getKeyType().getValue(), flags, new Date(now), new Date(now), new Date(now + hour), null, null));
        return subject;
    }

}
