package org.parley.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.session.TestSession;

class MetricsCollectorTest {
    private static SessionRegistry registry(List<Session> sessions) {
        return new SessionRegistry() {
            @Override
            public Session session(EntityFullJid jid) {
                return null;
            }

            @Override
            public List<Session> sessions(EntityBareJid user) {
                return List.of();
            }

            @Override
            public Collection<Session> all() {
                return sessions;
            }

            @Override
            public int count() {
                return sessions.size();
            }
        };
    }

    private static String collect(List<Session> sessions) {
        return new MetricsCollector().collect(new MetricsCollector.Sources(null, registry(sessions), null, null, null));
    }

    @Test
    void streamManagementQueuesAreSummedAndTheDeepestIsShown() {
        String text = collect(List.of(
                new TestSession("a", "alice@example.org/phone", Instant.EPOCH).unacknowledged(3),
                new TestSession("b", "alice@example.org/desk", Instant.EPOCH).unacknowledged(0),
                new TestSession("c", "bob@example.org/x", Instant.EPOCH).unacknowledged(12).detached(true)));
        assertTrue(text.contains("\nparley_unacknowledged_stanzas 15\n"), text);
        assertTrue(text.contains("\nparley_unacknowledged_stanzas_max 12\n"), text);
        assertTrue(text.contains("# TYPE parley_unacknowledged_stanzas gauge"), text);
    }

    @Test
    void aSessionCoreThatDoesNotTellLeavesTheQueueFamiliesOut() {
        String text = collect(List.of(new TestSession("a", "alice@example.org/phone", Instant.EPOCH)));
        assertTrue(text.contains("parley_sessions"), text);
        assertFalse(text.contains("parley_unacknowledged_stanzas"), "not known is not zero: " + text);
        assertTrue(collect(List.of()).contains("\nparley_unacknowledged_stanzas 0\n"), "no session: nothing waits");
    }
}
