package org.example.extending;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.service.component.annotations.Component;
import org.parley.api.routing.UndeliverableMessageHandler;
import org.parley.api.stanza.Stanza;

// Takes messages for users who are offline. A real store writes them durably (SqlDatabase, on the
// WorkerPool) and completes the stage only then: the sender's stream counts the message handled.
@Component(service = {UndeliverableMessageHandler.class, ParkingLot.class})
public final class ParkingLot implements UndeliverableMessageHandler {
    private final List<Stanza> parked = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Boolean> undeliverable(Stanza message, EntityBareJid account) {
        parked.add(message);
        return CompletableFuture.completedFuture(true);
    }

    public List<Stanza> parked() {
        return parked;
    }
}
