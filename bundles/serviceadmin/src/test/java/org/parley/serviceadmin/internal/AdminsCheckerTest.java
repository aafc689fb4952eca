package org.parley.serviceadmin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.config.ConfigurationProblem;
import org.parley.api.routing.ServerInfo;

class AdminsCheckerTest {
    private final AdminsChecker checker = new AdminsChecker(new ServerInfo() {
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
    void anEntryThatIsNoAccountIsRefused() {
        List<ConfigurationProblem> problems = checker.check(Map.of("admins", "alice, example.org/resource"));
        assertEquals(1, problems.size(), problems::toString);
        assertEquals("admins", problems.get(0).key());
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("admins", "alice, bob@example.org")));
    }
}
