package org.parley.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.ServerInfo;

class AdminConfigCheckerTest {
    private final AdminConfigChecker checker = new AdminConfigChecker(new ServerInfo() {
        @Override
        public DomainBareJid domain() {
            return JidCreate.domainBareFromOrThrowUnchecked("example.org");
        }

        @Override
        public String productName() {
            return "Parley";
        }

        @Override
        public String version() {
            return "test";
        }
    });

    @Test
    void anAdminOfAnotherDomainIsRefused() {
        assertEquals(List.of(new ConfigurationProblem("admins", "'bob@other.org' is not an account of the served domain example.org")),
                checker.check(Map.of("admins", "alice, bob@other.org")));
        assertEquals("sessionIdleSeconds", checker.check(Map.of("sessionIdleSeconds", "5")).get(0).key());
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("admins", "alice, bob@example.org")));
    }
}
