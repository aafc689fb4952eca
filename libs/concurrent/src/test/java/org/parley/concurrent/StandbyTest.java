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
     * Work that waited for a successor is given it before any work that asks while it is being
     * handed over, even work the waiting work itself starts: the session core's upgrade, where a
     * held message's delivery runs while the same sender's next message is routed.
     */
    @Test
    void workThatWaitedGetsTheSuccessorBeforeWorkThatArrivesDuringTheHandOver() {
        Standby<String, String> standby = new Standby<>(timer, () -> 60_000);
        standby.arrived("sessions", "old core");
        standby.departed("sessions", "old core");
        List<String> order = new CopyOnWriteArrayList<>();
        standby.await("sessions").thenAccept(core -> {
            order.add("held 1 to " + core);
            standby.await("sessions").thenAccept(c -> order.add("sent during the hand-over to " + c));
        });
        standby.await("sessions").thenAccept(core -> order.add("held 2 to " + core));

        standby.arrived("sessions", "new core");
        standby.await("sessions").thenAccept(core -> order.add("sent after to " + core));

        assertEquals(List.of("held 1 to new core", "held 2 to new core", "sent during the hand-over to new core", "sent after to new core"),
                order);
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
}
