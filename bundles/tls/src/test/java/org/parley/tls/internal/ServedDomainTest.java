package org.parley.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.api.server.Domain;

/**
 * The served domain is parsed by the api's one parser: tls accepts and refuses exactly what
 * {@link Domain} does (and so what auth and the server bundle do), and takes the name, A-label and
 * address from it.
 */
class ServedDomainTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"example.net", " Chat.Example.EDU. ", "bücher.example", "127.0.0.1", "[::1]",
        "", " ", "a b", "user@example.net", "example.net/res", "exa_mple.net", "-bad.example", "[zz::1]", ".",
        "[not-an-address]", "999.1.1.1"})
    void acceptsAndRefusesWhatDomainParseDoes(String value) throws Exception {
        Domain expected;
        try {
            expected = Domain.parse(value);
        } catch (IllegalArgumentException refused) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> ServedDomain.parse(value));
            assertEquals("domain", e.key());
            assertEquals("org.parley.server", e.pid());
            assertEquals("org.parley.server: key 'domain': " + refused.getMessage(), e.getMessage());
            return;
        }
        ServedDomain served = ServedDomain.parse(value);
        assertEquals(expected.toString(), served.name());
        assertEquals(expected.asciiName(), served.dnsName());
        assertEquals(expected.address(), served.address());
    }

    @Test
    void aTrailingDotAndCaseDoNotChangeTheCertificatesName() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults().with("domain", "Example.ORG."));
        assertEquals("CN=example.org", provider.certificate().getSubjectX500Principal().getName());
    }

    @Test
    void aRefusedDomainWhileRunningIsLoggedWithItsPidAndKeyAndTheCertificateStays() throws Exception {
        ServerTlsContextProvider provider = Instance.in(root).start(TestConfig.defaults().with("domain", "example.org"));
        String fingerprint = provider.fingerprint();
        try (LogCapture log = new LogCapture()) {
            provider.modified(TestConfig.defaults().with("domain", "exa_mple.org").build());
            assertEquals(1, log.matching(Level.ERROR, "org.parley.server: key 'domain': 'exa_mple.org'",
                    "keeping the previous TLS setup").size(), log.messages(Level.ERROR).toString());
        }
        assertEquals(fingerprint, provider.fingerprint());
        assertTrue(provider.certificate().getSubjectX500Principal().getName().contains("example.org"));
    }
}
