package org.parley.roster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.Jid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.stanza.Stanza;

/**
 * Enforces block lists (XEP-0191) on every stanza, both ways: what a user sends to a JID it
 * blocks is refused; what a blocked JID sends the user is dropped or refused as if the user were
 * not there; and what the server sends on a user's behalf (presence broadcast, probe answers) does
 * not reach a JID that user blocks. Ranked before the roster's presence handling, so a blocked
 * contact's probe or subscription request never reaches it. A policy: while the roster bundle is
 * replaced, stanzas wait for its successor rather than pass unchecked.
 */
@Component(property = {StanzaInterceptor.KINDS + "=message", StanzaInterceptor.KINDS + "=presence", StanzaInterceptor.KINDS + "=iq",
        StanzaInterceptor.POLICY + ":Boolean=true", "service.ranking:Integer=100"})
public final class BlockingInterceptor implements StanzaInterceptor {
    private static final CompletableFuture<Boolean> NO = CompletableFuture.completedFuture(false);
    private final RosterService rosters;

    @Activate
    public BlockingInterceptor(@Reference RosterService rosters) {
        this.rosters = rosters;
    }

    @Override
    public CompletionStage<InterceptResult> intercept(Stanza stanza, Interception interception) {
        Blocking blocking = rosters.blocking();
        if (interception.direction() == Direction.OUTBOUND) {
            Jid to = stanza.to();
            if (to == null || blocking.isServer(to) || to.asBareJid().equals(interception.account())) {
                return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
            }
            return blocking.list(interception.account()).thenApply(list -> list.blocks(to)
                    ? blocking.refuseOutbound(stanza, interception.origin()) : InterceptResult.proceed(stanza));
        }
        Jid from = stanza.from();
        if (from == null || blocking.isServer(from) || from.asBareJid().equals(interception.account())) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
        }
        Jid recipient = stanza.to() != null ? stanza.to() : interception.account();
        CompletionStage<Boolean> senderBlocksRecipient = blocking.isLocalAccount(from)
                ? blocking.list(from.asEntityBareJidIfPossible()).thenApply(list -> list.blocks(recipient)) : NO;
        return senderBlocksRecipient.thenCompose(silenced -> {
            if (silenced) {
                // Sent on the sender's behalf by the server (a broadcast, a probe answer): dropped.
                return CompletableFuture.completedFuture(InterceptResult.consumed());
            }
            return blocking.list(interception.account()).thenApply(list -> list.blocks(from)
                    ? Blocking.refuseInbound(stanza) : InterceptResult.proceed(stanza));
        });
    }
}
