package org.parley.mailhook.internal;

import java.util.Optional;
import org.jxmpp.jid.EntityBareJid;

/**
 * Where a user's mail goes. Today the configured template; the directory's mail attribute (the
 * ldap bundle of issue 12) is meant to come in as another implementation, tried first, with the
 * template as fallback. Called on the mail thread, so an implementation may block (a directory
 * lookup); empty means no known address (logged, no mail).
 */
interface RecipientAddresses {
    Optional<String> address(EntityBareJid account);
}
