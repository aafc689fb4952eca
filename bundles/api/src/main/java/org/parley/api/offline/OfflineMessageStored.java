package org.parley.api.offline;

import java.time.Instant;
import java.util.Objects;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.parley.api.stanza.Stanza;

/**
 * A message was stored for a user who had no session to receive it.
 *
 * @param recipient the account the message waits for
 * @param sender who sent it (its {@code from})
 * @param message the message as stored
 * @param storedAt when it was stored (the XEP-0203 delay stamp it will be delivered with)
 * @param waiting how many messages wait for the recipient now, this one included
 */
public record OfflineMessageStored(EntityBareJid recipient, Jid sender, Stanza message, Instant storedAt, int waiting) {
    public OfflineMessageStored {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(storedAt, "storedAt");
    }
}
