package org.parley.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Element;

class HandoffTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final HandoffStore store = new HandoffStore(now::get, 30);

    /** A class standing in for one of the depositing bundle's own. */
    private record OwnState(String value) {
    }

    @Test
    void aSnapshotIsTakenOnceByTheSuccessor() {
        store.deposit("core", Map.of("sessions", List.of("a", "b")), "old");
        assertEquals(Map.of("sessions", List.of("a", "b")), store.take("core", "new").orElseThrow());
        assertTrue(store.take("core", "new").isEmpty(), "taken twice");
    }

    @Test
    void aSnapshotExpiresAfterItsTimeToLive() {
        store.deposit("core", Map.of("k", 1), "old");
        now.addAndGet(29_999);
        store.deposit("other", Map.of(), "x");
        assertEquals(2, store.size());
        now.addAndGet(1);
        assertTrue(store.take("core", "new").isEmpty(), "expired after 30 s");
    }

    @Test
    void theDepositorsOwnClassesAreRefusedAnywhereInTheSnapshot() {
        SnapshotCheck check = new SnapshotCheck(cls -> cls == OwnState.class);
        List<Object> nested = new ArrayList<>();
        nested.add(Map.of("deep", new Object[] {"x", new OwnState("pinned")}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> check.check(Map.of("streams", nested)));
        assertTrue(e.getMessage().contains(OwnState.class.getName()), e.getMessage());
    }

    @Test
    void jdkAndApiValuesPassAndCyclesEnd() {
        SnapshotCheck check = new SnapshotCheck(cls -> cls == OwnState.class);
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        cyclic.add(Element.builder("message", "jabber:client").text("hi").build());
        cyclic.add(42L);
        check.check(Map.of("list", cyclic, "bytes", new byte[] {1, 2}));
    }

    @Test
    void anInvalidTimeToLiveKeepsThePreviousOne() {
        HandoffStore s = new HandoffStore(now::get, 0);
        s.deposit("k", Map.of(), "old");
        now.addAndGet(59_999);
        assertTrue(s.take("k", "new").isPresent(), "the default 60 s stands");
    }
}
