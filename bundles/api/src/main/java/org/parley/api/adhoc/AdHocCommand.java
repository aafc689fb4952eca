package org.parley.api.adhoc;

import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One ad-hoc command (XEP-0050) on the server's JID. Register it as a service with the
 * {@link #NODE} and {@link #NAME} properties. The {@code adhoc} bundle lists it in service
 * discovery to whoever it {@link #allows}, keeps its sessions (ids, the requester, expiry, the
 * actions and errors of XEP-0050 section 4) and runs its stages: the first stage gets no form; a
 * stage answers with a form to fill in (the next stage gets it submitted, with the state the
 * previous stage kept), with the end, or with an error.
 *
 * <p>Stages run on the requester's session thread: a stage that reads or writes storage does it
 * on the {@link org.parley.api.server.WorkerPool} and returns the stage.
 */
@ConsumerType
public interface AdHocCommand {
    /** Service property: the command's node, such as {@code http://jabber.org/protocol/admin#add-user}. */
    String NODE = "parley.adhoc.node";
    /** Service property: the name clients show. */
    String NAME = "parley.adhoc.name";

    /** Whether this account may see and run the command; the others get {@code forbidden}. Must not block. */
    default boolean allows(EntityBareJid requester) {
        return true;
    }

    CompletionStage<AdHocStage> execute(AdHocRequest request);
}
