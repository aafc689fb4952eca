package org.parley.routing.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.routing.UndeliverableMessageHandler;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.stanza.Stanza;
import org.parley.concurrent.RankedList;
import org.parley.concurrent.Standby;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link UndeliverableMessageHandler}s, offered a message in ranking order until one takes it.
 * When the last one leaves (offline storage is being upgraded), messages wait for the grace
 * period and go to its successor instead of being bounced: a sender must not get an error for a
 * message that the next version of the store would have kept.
 */
final class Undeliverables {
    private static final Logger LOG = LoggerFactory.getLogger(Undeliverables.class);
    private static final CompletableFuture<Boolean> NO = CompletableFuture.completedFuture(false);
    /** One key: "some handler is bound". The handlers themselves are in the ranked list. */
    private static final String ANY = "any";

    record Entry(UndeliverableMessageHandler handler, Registration registration) {
    }

    private final RankedList<Entry> handlers = new RankedList<>();
    private final Standby<String, Boolean> present;

    Undeliverables(ScheduledExecutorService timer, LongSupplier graceMillis) {
        this.present = new Standby<>(timer, graceMillis);
    }

    synchronized void add(UndeliverableMessageHandler handler, Registration registration) {
        handlers.add(new Entry(handler, registration), registration.ranking(), registration.serviceId());
        boolean returning = present.isWaiting(ANY);
        present.arrived(ANY, Boolean.TRUE);
        if (returning) {
            LOG.info("An undeliverable-message handler arrived; messages held for it go to it now");
        }
    }

    synchronized void remove(UndeliverableMessageHandler handler) {
        handlers.removeIf(e -> e.handler() == handler);
        if (handlers.values().isEmpty()) {
            present.departed(ANY, Boolean.TRUE);
        }
    }

    /** Ends the grace period now (routing is stopping): held messages are answered as if no handler were bound. */
    void close() {
        present.closeAll();
    }

    /** @return true once a handler took (stored) the message */
    CompletionStage<Boolean> offer(Stanza message, EntityBareJid account) {
        List<Entry> list = handlers.values();
        return list.isEmpty() ? awaitHandler(message, account, false) : ask(list, 0, message, account, true);
    }

    /** @param retried true when a handler already left under this message: it is not waited for twice */
    private CompletionStage<Boolean> awaitHandler(Stanza message, EntityBareJid account, boolean retried) {
        return present.await(ANY).thenCompose(any -> {
            List<Entry> list = handlers.values();
            return any == null || list.isEmpty() ? NO : ask(list, 0, message, account, !retried);
        });
    }

    private CompletionStage<Boolean> ask(List<Entry> list, int i, Stanza message, EntityBareJid account, boolean retry) {
        if (i >= list.size()) {
            return NO;
        }
        Entry e = list.get(i);
        CompletionStage<Boolean> taken;
        try {
            taken = e.handler().undeliverable(message, account);
        } catch (LazyService.GoneException gone) {
            // It left as routing called it (its bundle is being replaced): its successor decides.
            if (retry) {
                return awaitHandler(message, account, true);
            }
            return ask(list, i + 1, message, account, false);
        } catch (RuntimeException ex) {
            LOG.error("Undeliverable-message handler {} of bundle {} failed on a message for {}", e.registration().name(),
                    e.registration().bundle(), account, ex);
            return ask(list, i + 1, message, account, retry);
        }
        return taken.handle((yes, ex) -> {
            Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            if (cause instanceof WorkRejectedException) {
                // Overload, not a fault: the server is busier than its worker pool; no stack trace per message.
                LOG.warn("Undeliverable-message handler {} of bundle {} could not take a message for {} now: {}", e.registration().name(),
                        e.registration().bundle(), account, cause.getMessage());
            } else if (ex != null) {
                LOG.error("Undeliverable-message handler {} of bundle {} failed on a message for {}", e.registration().name(),
                        e.registration().bundle(), account, ex);
            }
            return ex == null && Boolean.TRUE.equals(yes) ? CompletableFuture.completedFuture(true)
                    : ask(list, i + 1, message, account, retry);
        }).thenCompose(s -> s);
    }

    /** Stanzas that waited here for a successor (see {@link Standby#held()}). */
    long held() {
        return present.held();
    }
}
