package org.parley.routing.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jxmpp.jid.Jid;
import org.parley.api.stanza.Stanza;
import org.parley.concurrent.Stages;

/**
 * Keeps the stanzas the server routes on someone's behalf in order per sender and recipient.
 *
 * <p>A client's own stanzas stay in order because its session waits for each one's routing before
 * the next. What the server, a handler or a component routes is not waited for: the roster sends
 * a user's presence to each contact, the room each occupant's message to every occupant, and calls
 * routing once per copy. When a recipient's inbound interceptor answers one copy later (a privacy
 * list that needs a roster not yet in memory, an interceptor being replaced) and the next one at
 * once, the next would overtake it. So while a stanza from A to B is pending, the next one from A
 * to B is routed after it (whatever became of it), and stanzas between other addresses go on.
 * Messages and presence only: see {@link #route}.
 *
 * <p>Costs nothing while no routing is pending (the common case: every path completes at once);
 * a line is forgotten when its last stanza is done.
 */
final class PairLines {
    /** A sender and a recipient, as the stanza names them (JIDs compare by their string, which they keep). */
    private record Pair(Jid from, Jid to) {
    }

    /** Sender and recipient → the stage of the last stanza routed between them, while it is pending. */
    private final Map<Pair, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();

    /** Routes {@code stanza} with {@code route} now, or after the pending one of the same sender and recipient. */
    CompletionStage<Void> route(Stanza stanza, Function<Stanza, CompletionStage<Void>> route) {
        if (stanza.kind() == Stanza.Kind.IQ) {
            // A request is pending until answered: a line would make a component's requests to one
            // address wait for each other's answers. Requests and answers pair by id, not by order.
            return route.apply(stanza);
        }
        CompletableFuture<Void> ahead = pending.isEmpty() ? null : pending.get(key(stanza));
        if (ahead == null) {
            CompletionStage<Void> routed = route.apply(stanza);
            return Stages.isDone(routed) ? routed : remember(key(stanza), routed);
        }
        return remember(key(stanza), ahead.handle((r, e) -> null).thenCompose(r -> route.apply(stanza)));
    }

    private CompletionStage<Void> remember(Pair key, CompletionStage<Void> routed) {
        CompletableFuture<Void> last = routed.toCompletableFuture();
        pending.put(key, last);
        last.whenComplete((r, e) -> pending.remove(key, last));
        return routed;
    }

    /** How many sender-recipient pairs have a stanza pending (for tests and diagnostics). */
    int size() {
        return pending.size();
    }

    private static Pair key(Stanza stanza) {
        return new Pair(stanza.from(), stanza.to());
    }
}
