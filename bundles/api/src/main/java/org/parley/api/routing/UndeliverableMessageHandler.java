package org.parley.api.routing;

import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.stanza.Stanza;

/**
 * Takes messages for a local account that no session can receive: offline storage (XEP-0160).
 * Routing offers it a message when the account has no available resource with non-negative
 * priority (RFC 6121 section 8.5.2.2), and the session core offers it what a session received
 * but never acknowledged before it ended (XEP-0198). Registered as a service; asked in order of
 * {@code service.ranking}, highest first, until one takes the message. When none takes it,
 * routing answers as RFC 6121 section 8 says (service-unavailable for chat and normal messages).
 *
 * <p>Durable before acknowledged: complete the stage with true only once the message is stored,
 * because the sender's stream counts the message as handled (XEP-0198) when it completes.
 */
public interface UndeliverableMessageHandler {
    /**
     * @param message the message, {@code from} and {@code to} as the sender sent them
     * @param account the local account it is for
     * @return true once the message is taken (stored); false to leave it to the next handler or
     *     the RFC answer. Completing exceptionally is logged and counts as false.
     */
    CompletionStage<Boolean> undeliverable(Stanza message, EntityBareJid account);
}
