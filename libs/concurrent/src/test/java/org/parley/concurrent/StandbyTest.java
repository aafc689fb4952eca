package org.parley.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StandbyTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /**
     * Work that waited for a successor is given it before work other threads bring while it is
     * being handed over: the session core's upgrade, where held messages are delivered while a
     * re-attached stream routes its sender's next one.
     */
    @Test
    void workThatWaitedGetsTheSuccessorBeforeWorkOtherThreadsBringDuringTheHandOver() throws Exception {
        Standby<String, String> standby = new Standby<>(timer, () -> 60_000);
        standby.arrived("sessions", "old core");
        standby.departed("sessions", "old core");
        List<String> order = new CopyOnWriteArrayList<>();
        standby.await("sessions").thenAccept(core -> {
            order.add("held 1 to " + core);
            Thread otherSender = new Thread(() -> {
                order.add("other thread sees " + standby.current("sessions"));
                standby.await("sessions").thenAccept(c -> order.add("sent during the hand-over to " + c));
            });
            otherSender.start();
            join(otherSender);
        });
        standby.await("sessions").thenAccept(core -> order.add("held 2 to " + core));

        standby.arrived("sessions", "new core");
        standby.await("sessions").thenAccept(core -> order.add("sent after to " + core));

        assertEquals(List.of("held 1 to new core", "other thread sees null", "held 2 to new core",
                "sent during the hand-over to new core", "sent after to new core"), order);
    }

    /** What waited for a successor is counted, whether the successor came or the grace period ran out; what did not wait is not. */
    @Test
    void workThatHadToWaitIsCounted() throws Exception {
        Standby<String, String> standby = new Standby<>(timer, () -> 200);
        standby.arrived("iq", "old");
        standby.await("iq");
        standby.await("never there");
        assertEquals(0, standby.held(), "answered at once: nothing held");
        standby.departed("iq", "old");
        CompletableFuture<String> first = standby.await("iq").toCompletableFuture();
        CompletableFuture<String> second = standby.await("iq").toCompletableFuture();
        assertEquals(2, standby.held());
        standby.arrived("iq", "new");
        assertEquals("new", first.get(5, TimeUnit.SECONDS));
        assertEquals("new", second.get(5, TimeUnit.SECONDS));
        standby.departed("iq", "new");
        assertNull(standby.await("iq").toCompletableFuture().get(5, TimeUnit.SECONDS), "no successor within the grace period");
        assertEquals(3, standby.held());
    }

    /** A held delivery that looks the service up again (routing does) gets the successor, and the hand-over ends. */
    @Test
    void waitingWorkThatLooksTheServiceUpAgainGetsTheSuccessorAtOnce() {
        Standby<String, String> standby = new Standby<>(timer, () -> 60_000);
        standby.expect("sessions");
        List<String> seen = new CopyOnWriteArrayList<>();
        standby.await("sessions").thenAccept(core -> {
            seen.add(standby.current("sessions"));
            standby.await("sessions").thenAccept(seen::add);
        });

        standby.arrived("sessions", "core");

        assertEquals(List.of("core", "core"), seen);
        assertEquals("core", standby.current("sessions"));
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void workWaitsForTheGracePeriodThenGetsNull() throws Exception {
        Standby<String, String> standby = new Standby<>(timer, () -> 50);
        standby.arrived("k", "v1");
        standby.departed("k", "v1");
        CompletableFuture<String> waiting = standby.await("k").toCompletableFuture();
        assertNull(waiting.get(5, TimeUnit.SECONDS), "no successor within the grace period");
        assertNull(standby.await("k").toCompletableFuture().getNow("not answered at once"), "after the grace period: null at once");
        standby.arrived("k", "v2");
        assertEquals("v2", standby.await("k").toCompletableFuture().getNow(null));
    }

    /** What needs every service of a kind waits for all that are being replaced: back, or out of grace. */
    @Test
    void awaitAllWaitsForEveryKeyWithinItsGracePeriod() throws Exception {
        Standby<String, String> standby = new Standby<>(timer, () -> 300);
        assertEquals(false, standby.isAnyWaiting());
        assertEquals(true, standby.awaitAll().toCompletableFuture().isDone(), "nothing replaced: at once");
        standby.arrived("ldap", "ldap v1");
        standby.arrived("files", "files v1");
        standby.departed("ldap", "ldap v1");
        standby.departed("files", "files v1");
        assertEquals(true, standby.isAnyWaiting());
        CompletableFuture<Void> all = standby.awaitAll().toCompletableFuture();
        standby.arrived("ldap", "ldap v2");
        assertEquals(false, all.isDone(), "files is still away");
        all.get(5, TimeUnit.SECONDS); // files never comes back: its grace period ends it
        assertEquals(false, standby.isAnyWaiting());
    }
}
