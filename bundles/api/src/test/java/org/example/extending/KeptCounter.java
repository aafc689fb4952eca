package org.example.extending;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.server.StateHandoff;

// In-memory state that survives an upgrade of its bundle: deposited on the way out, taken on the way in.
@Component(service = KeptCounter.class)
public final class KeptCounter {
    private static final String KEY = KeptCounter.class.getName();
    private final StateHandoff handoff;
    private final AtomicLong count = new AtomicLong();

    @Activate
    public KeptCounter(@Reference StateHandoff handoff) {
        this.handoff = handoff;
        handoff.take(KEY).ifPresent(state -> {
            if (state.get("count") instanceof Long n) { // read tolerantly: a predecessor may write another format
                count.set(n);
            }
        });
    }

    @Deactivate
    void deactivate() {
        handoff.deposit(KEY, Map.of("format", 1, "count", count.get())); // JDK and api values only
    }

    public long increment() {
        return count.incrementAndGet();
    }
}
