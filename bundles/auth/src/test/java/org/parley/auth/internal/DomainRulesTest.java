package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.auth.UserException;
import org.parley.api.server.Domain;

/**
 * The served domain is read by the api's one parser ({@link Domain}): this bundle accepts and
 * refuses exactly what it does, in configuration and after the '@' an operator types.
 */
class DomainRulesTest {
    private final InMemoryUserStore store = new InMemoryUserStore();
    private final StoreUserManager users = new StoreUserManager(store, new AccountCache(), Databases.disabledAccounts(),
            JidCreate.domainBareFromOrThrowUnchecked("example.org"), AuthSettings.DEFAULTS, new SecureRandom(),
            StoreUserManager.IMPORT_BATCH);
    private final UserCommands commands = new UserCommands(users, new ServerConfigValue("example.org"));

    @AfterEach
    void stop() {
        users.deactivate();
    }

    /** Domain.parse's answer: the prepared domain, or null when it refuses the value. */
    private static String parsed(String value) {
        try {
            return Domain.parse(value).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.net", " Chat.Example.EDU. ", "bücher.example", "127.0.0.1", "[::1]",
        "", " ", "a b", "user@example.net", "example.net/res", "exa_mple.net", "-bad.example", "[zz::1]", ".",
        "[not-an-address]", "999.1.1.1"})
    void configurationAcceptsAndRefusesWhatDomainParseDoes(String value) {
        String expected = parsed(value);

        users.modified(new ServerConfigValue(value), AuthConfigValue.defaults(), Map.of());
        commands.modified(new ServerConfigValue(value));

        String served = expected == null ? "example.org" : expected;
        assertEquals(served, users.domain().toString(), "user manager with " + value);
        assertEquals(served, commands.domain(), "user commands with " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Chat.Example.EDU.", "bücher.example", "127.0.0.1", "[::1]", "exa_mple.net",
        "-bad.example", "[zz::1]", "[not-an-address]"})
    void aJidTypedByTheOperatorTakesItsDomainByTheSameRules(String domain) throws Exception {
        String expected = parsed(domain);
        if (expected != null) {
            users.modified(new ServerConfigValue(domain), AuthConfigValue.defaults(), Map.of());
            assertEquals("alice", users.localpart("alice@" + domain));
        } else {
            UserException e = assertThrows(UserException.class, () -> users.localpart("alice@" + domain));
            assertTrue(e.getMessage().contains(domain), e.getMessage());
        }
    }

    @Test
    void aRefusedDomainIsLoggedNamingThePidAndTheKey() {
        String log = stderrOf(() -> {
            users.modified(new ServerConfigValue("exa_mple.org"), AuthConfigValue.defaults(), Map.of());
            commands.modified(new ServerConfigValue("user@example.org"));
        });
        assertTrue(log.contains("org.parley.server: key 'domain': 'exa_mple.org' is not a valid DNS name"), log);
        assertTrue(log.contains("keeping example.org"), log);
        assertTrue(log.contains("org.parley.server: key 'domain': 'user@example.org' is not a domain"), log);
    }

    /** What slf4j-simple (which writes to the current System.err) logs while the action runs. */
    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
