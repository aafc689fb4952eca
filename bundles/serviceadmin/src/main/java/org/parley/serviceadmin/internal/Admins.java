package org.parley.serviceadmin.internal;

import java.util.LinkedHashSet;
import java.util.Set;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Who the admins are: accounts by bare JID, prepared as JIDs are, so the comparison is exact. A
 * name without '@' is an account of the served domain ({@code admin}, the first account a new
 * server creates, is the default).
 */
record Admins(Set<EntityBareJid> accounts) {
    static final Admins NONE = new Admins(Set.of());

    /** Parses the configured list; a value that is not a bare JID refuses the whole list, naming it. */
    static Admins parse(String configured, String domain) {
        Set<EntityBareJid> accounts = new LinkedHashSet<>();
        if (configured != null) {
            for (String word : configured.split("[,\\s]+")) {
                if (word.isBlank()) {
                    continue;
                }
                if (word.indexOf('/') >= 0) {
                    // jxmpp would drop the resource silently; a full JID here is a mistake to report
                    throw new IllegalArgumentException("key 'admins': '" + word + "' is not the bare JID of an account");
                }
                try {
                    accounts.add(JidCreate.entityBareFrom(word.indexOf('@') < 0 ? word + "@" + domain : word));
                } catch (XmppStringprepException | IllegalArgumentException e) {
                    throw new IllegalArgumentException("key 'admins': '" + word + "' is not the bare JID of an account");
                }
            }
        }
        return new Admins(Set.copyOf(accounts));
    }

    boolean contains(EntityBareJid account) {
        return account != null && accounts.contains(account);
    }
}
