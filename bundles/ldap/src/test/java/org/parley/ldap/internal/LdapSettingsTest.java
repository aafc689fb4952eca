package org.parley.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LdapSettingsTest {
    @TempDir
    Path etc;

    private static TestConfig valid() {
        return new TestConfig().set("urls", new String[] {"ldaps://dir1.example.org", "ldap://dir2.example.org:1389"})
                .set("bindDn", "cn=parley,ou=services,dc=example,dc=org").set("bindPassword", "s3cret")
                .set("baseDn", "ou=people,dc=example,dc=org");
    }

    private LdapSettings.Parsed parse(TestConfig c) {
        return LdapSettings.parse(c.build(), etc);
    }

    /** The single problem of a configuration that has exactly one, with the key it names. */
    private LdapSettings.Problem onlyProblem(TestConfig c) {
        LdapSettings.Parsed p = parse(c);
        assertFalse(p.valid(), "refused");
        assertNull(p.settings(), "no settings from an invalid configuration");
        assertEquals(1, p.problems().size(), p.problems().toString());
        return p.problems().get(0);
    }

    @Test
    void noUrlsIsAValidUnconfiguredDirectory() {
        LdapSettings.Parsed p = parse(new TestConfig());
        assertTrue(p.valid());
        assertFalse(p.settings().configured());
    }

    @Test
    void aCompleteConfigurationParsesWithDefaultPortsAndTimeouts() {
        LdapSettings s = parse(valid()).settings();
        assertEquals(List.of(new LdapSettings.Server("dir1.example.org", 636, true),
                new LdapSettings.Server("dir2.example.org", 1389, false)), s.servers());
        assertTrue(s.startTls());
        assertFalse(s.plaintext());
        assertEquals("(objectClass=inetOrgPerson)", s.userFilter());
        assertEquals("uid", s.usernameAttribute());
        assertEquals(Duration.ofSeconds(5), s.timeout());
        assertEquals(Duration.ofSeconds(30), s.negativeCacheTtl());
        assertEquals(Duration.ofSeconds(60), s.cacheTtl());
    }

    @Test
    void severalUrlsInOneCfgValueAreSplitAtCommasAndSpaces() {
        LdapSettings s = parse(valid().set("urls", new String[] {" ldaps://a.example.org, ldap://b.example.org:1389 ldaps://c.example.org "})).settings();
        assertEquals(List.of("ldaps://a.example.org:636", "ldap://b.example.org:1389", "ldaps://c.example.org:636"),
                s.servers().stream().map(LdapSettings.Server::toString).toList());
    }

    @Test
    void ipv6LiteralsAndPlainLdapWithoutStartTlsAreUnderstood() {
        LdapSettings s = parse(valid().set("urls", new String[] {"ldap://[::1]:10389"}).set("startTls", false)).settings();
        assertEquals(new LdapSettings.Server("::1", 10389, false), s.servers().get(0));
        assertTrue(s.plaintext(), "passwords would cross in clear: the provider warns");
        assertEquals("ldap://[::1]:10389", s.servers().get(0).toString());
    }

    @Test
    void eachInvalidValueIsRefusedNamingItsKey() {
        assertEquals("urls", onlyProblem(valid().set("urls", new String[] {"http://dir.example.org"})).key());
        assertEquals("urls", onlyProblem(valid().set("urls", new String[] {"ldap://dir.example.org/dc=x?uid"})).key());
        assertEquals("urls", onlyProblem(valid().set("urls", new String[] {"ldap:///"})).key());
        assertEquals("urls", onlyProblem(valid().set("urls", new String[] {"ldap://dir_1.example.org:x"})).key());
        assertEquals("baseDn", onlyProblem(valid().set("baseDn", "")).key());
        assertEquals("baseDn", onlyProblem(valid().set("baseDn", "not a dn")).key());
        assertEquals("bindDn", onlyProblem(valid().set("bindDn", "cn=x,,")).key());
        assertEquals("bindPassword", onlyProblem(valid().set("bindPassword", "")).key());
        assertEquals("bindDn", onlyProblem(valid().set("bindDn", "")).key());
        assertEquals("userFilter", onlyProblem(valid().set("userFilter", "(uid=")).key());
        assertEquals("userFilter", onlyProblem(valid().set("userFilter", "objectClass=person")).key());
        assertEquals("userFilter", onlyProblem(valid().set("userFilter", " ")).key());
        assertEquals("usernameAttribute", onlyProblem(valid().set("usernameAttribute", "uid)(cn")).key());
        assertEquals("connectTimeoutMillis", onlyProblem(valid().set("connectTimeoutMillis", 0)).key());
        assertEquals("timeoutMillis", onlyProblem(valid().set("timeoutMillis", -5)).key());
        assertEquals("maxConnections", onlyProblem(valid().set("maxConnections", 0)).key());
        assertEquals("retrySeconds", onlyProblem(valid().set("retrySeconds", 0)).key());
        assertEquals("cacheSeconds", onlyProblem(valid().set("cacheSeconds", -1)).key());
        assertEquals("caCertificate", onlyProblem(valid().set("caCertificate", "tls/missing-ca.pem")).key());
    }

    @Test
    void unknownNamesCannotBeRememberedForMoreThanAMinute() {
        assertTrue(parse(valid().set("negativeCacheSeconds", 60)).valid());
        LdapSettings.Problem p = onlyProblem(valid().set("negativeCacheSeconds", 61));
        assertEquals("negativeCacheSeconds", p.key());
        assertEquals("org.parley.ldap: key 'negativeCacheSeconds': must be between 0 and 60, got 61", p.toString());
    }

    @Test
    void aCaFileThatIsNotPemIsRefused() throws Exception {
        Files.writeString(etc.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        LdapSettings.Problem p = onlyProblem(valid().set("caCertificate", "ca.pem"));
        assertEquals("caCertificate", p.key());
        assertTrue(p.reason().contains("ca.pem"), p.reason());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        LdapSettings.Parsed p = parse(valid().set("baseDn", "").set("userFilter", "(").set("timeoutMillis", 0));
        assertEquals(List.of("baseDn", "userFilter", "timeoutMillis"), p.problems().stream().map(LdapSettings.Problem::key).toList());
    }

    @Test
    void theBindPasswordNeverAppearsInLogs() {
        LdapSettings s = parse(valid()).settings();
        assertFalse(s.toString().contains("s3cret"), s.toString());
    }
}
