package org.parley.routing.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.routing.UndeliverableMessageHandler;
import org.parley.api.stanza.Stanza;
import org.parley.concurrent.RankedList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link UndeliverableMessageHandler}s, offered a message in ranking order until one takes it. */
final class Undeliverables {
    private static final Logger LOG = LoggerFactory.getLogger(Undeliverables.class);
    private static final CompletableFuture<Boolean> NO = CompletableFuture.completedFuture(false);

    record Entry(UndeliverableMessageHandler handler, Registration registration) {
    }

    private final RankedList<Entry> handlers = new RankedList<>();

    void add(UndeliverableMessageHandler handler, Registration registration) {
        handlers.add(new Entry(handler, registration), registration.ranking(), registration.serviceId());
    }

    void remove(UndeliverableMessageHandler handler) {
        handlers.removeIf(e -> e.handler() == handler);
    }

    /** @return true once a handler took (stored) the message */
    CompletionStage<Boolean> offer(Stanza message, EntityBareJid account) {
        List<Entry> list = handlers.values();
        return list.isEmpty() ? NO : ask(list, 0, message, account);
    }

    private static CompletionStage<Boolean> ask(List<Entry> list, int i, Stanza message, EntityBareJid account) {
        if (i >= list.size()) {
            return NO;
        }
        Entry e = list.get(i);
        CompletionStage<Boolean> taken;
        try {
            taken = e.handler().undeliverable(message, account);
        } catch (RuntimeException ex) {
            LOG.error("Undeliverable-message handler {} of bundle {} failed on a message for {}", e.registration().name(),
                    e.registration().bundle(), account, ex);
            return ask(list, i + 1, message, account);
        }
        return taken.handle((yes, ex) -> {
            if (ex != null) {
                LOG.error("Undeliverable-message handler {} of bundle {} failed on a message for {}", e.registration().name(),
                        e.registration().bundle(), account, ex);
            }
            return ex == null && Boolean.TRUE.equals(yes) ? CompletableFuture.completedFuture(true) : ask(list, i + 1, message, account);
        }).thenCompose(s -> s);
    }
}
