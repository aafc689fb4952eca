package org.parley.kerberos.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KerberosSettingsTest {
    private static final Path ETC = Path.of("/srv/parley/etc");

    private static KerberosConfig config(String keytab, String principal, String[] realms, String pattern, String localpart) {
        return config(keytab, principal, realms, pattern, localpart, true);
    }

    /** The bundle's configuration as the tests give it (also GssapiNegotiationTest's). */
    static KerberosConfig config(String keytab, String principal, String[] realms, String pattern, String localpart,
            boolean requireAccount) {
        return new KerberosConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return KerberosConfig.class;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String keytab() {
                return keytab;
            }

            @Override
            public String principal() {
                return principal;
            }

            @Override
            public String[] realms() {
                return realms;
            }

            @Override
            public String principalPattern() {
                return pattern;
            }

            @Override
            public String localpart() {
                return localpart;
            }

            @Override
            public boolean requireAccount() {
                return requireAccount;
            }
        };
    }

    private static KerberosSettings valid(KerberosConfig c) {
        KerberosSettings.Parsed p = KerberosSettings.parse(c, ETC);
        assertTrue(p.valid(), p.problems().toString());
        return p.settings();
    }

    private static List<String> keysOfProblems(KerberosConfig c) {
        KerberosSettings.Parsed p = KerberosSettings.parse(c, ETC);
        assertFalse(p.valid());
        return p.problems().stream().map(KerberosSettings.Problem::key).toList();
    }

    @Test
    void theDefaultRuleMapsAliceOfTheRealmToAliceAndLeavesInstancesOut() {
        KerberosSettings s = valid(config("xmpp.keytab", "xmpp/chat.example.edu@EXAMPLE.EDU", new String[0],
                "([^/@]+)@([^/@]+)", "$1"));
        assertEquals(ETC.resolve("xmpp.keytab"), s.keytab(), "relative to etc/");
        assertEquals(Set.of("EXAMPLE.EDU"), s.realms(), "no realms: the service principal's realm");
        assertEquals(Optional.of("alice"), s.localpart("alice@EXAMPLE.EDU"));
        assertEquals(Optional.of("alice"), s.localpart("Alice@EXAMPLE.EDU"), "prepared: UsernameCaseMapped");
        assertEquals(Optional.empty(), s.localpart("alice/admin@EXAMPLE.EDU"));
        assertTrue(s.realmAllowed("EXAMPLE.EDU"));
        assertFalse(s.realmAllowed("EVIL.EDU"));
        assertFalse(s.realmAllowed("example.edu"), "realms are case-sensitive (RFC 4120)");
    }

    @Test
    void aRuleWithGroupsBuildsTheLocalpartAndAnInvalidResultIsNoAccount() {
        KerberosSettings s = valid(config("/etc/krb5/xmpp.keytab", "xmpp/chat.example.edu@EXAMPLE.EDU",
                new String[] {"EXAMPLE.EDU, STAFF.EXAMPLE.EDU"}, "([^/@]+)(?:/([^/@]+))?@([^/@]+)", "$1.$2"));
        assertEquals(Path.of("/etc/krb5/xmpp.keytab"), s.keytab(), "absolute stays");
        assertEquals(Set.of("EXAMPLE.EDU", "STAFF.EXAMPLE.EDU"), s.realms(), "a comma-separated string is a list");
        assertEquals(Optional.of("alice.admin"), s.localpart("alice/admin@EXAMPLE.EDU"));
        assertEquals(Optional.of("bob."), s.localpart("bob@EXAMPLE.EDU"), "an unmatched group is empty");
        KerberosSettings quoted = valid(config("k", "xmpp/h@R", new String[0], "(.*)", "$1"));
        assertEquals(Optional.empty(), quoted.localpart("a@b@R"), "'@' cannot be in a localpart");
        assertEquals("R", KerberosSettings.realmOf("a\\@b@R"));
    }

    @Test
    void eachInvalidValueIsNamedByItsKey() {
        assertEquals(List.of("principal"), keysOfProblems(config("xmpp.keytab", "", new String[0], "(.*)", "$1")));
        assertEquals(List.of("principal"), keysOfProblems(config("xmpp.keytab", "alice@EXAMPLE.EDU", new String[0], "(.*)", "$1")));
        assertEquals(List.of("realms"), keysOfProblems(config("k", "xmpp/h@R", new String[] {"A B"}, "(.*)", "$1")));
        assertEquals(List.of("principalPattern"), keysOfProblems(config("k", "xmpp/h@R", new String[0], "([", "$1")));
        assertEquals(List.of("localpart"), keysOfProblems(config("k", "xmpp/h@R", new String[0], "(.*)", "$2")));
        assertEquals(List.of("localpart"), keysOfProblems(config("k", "xmpp/h@R", new String[0], "(.*)", "x$")));
        assertEquals(List.of("localpart"), keysOfProblems(config("k", "xmpp/h@R", new String[0], "(.*)", "")));
    }

    @Test
    void withoutAKeytabNothingIsConfigured() {
        assertFalse(valid(config("", "", new String[0], "(.*)", "$1")).configured());
    }
}
