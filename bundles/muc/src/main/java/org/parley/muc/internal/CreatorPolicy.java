package org.parley.muc.internal;

import java.util.Set;
import java.util.TreeSet;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Who may do something the institution restricts (create rooms, make them persistent): everyone
 * ({@code *}), or the accounts listed by bare JID.
 */
record CreatorPolicy(boolean everyone, Set<String> accounts) {
    static final CreatorPolicy EVERYONE = new CreatorPolicy(true, Set.of());

    /**
     * Reads {@code *} or a comma-separated list of bare JIDs (an empty list: nobody).
     *
     * @throws IllegalArgumentException naming the key and the entry that is no account's JID
     */
    static CreatorPolicy parse(String key, String value) {
        String v = value == null ? "" : value.strip();
        if (v.equals("*")) {
            return EVERYONE;
        }
        Set<String> accounts = new TreeSet<>();
        for (String entry : v.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            try {
                BareJid jid = JidCreate.bareFrom(e);
                if (!jid.hasLocalpart()) {
                    throw new IllegalArgumentException("key '" + key + "': '" + e + "' is not an account's JID (user@domain)");
                }
                accounts.add(jid.toString());
            } catch (XmppStringprepException ex) {
                throw new IllegalArgumentException("key '" + key + "': '" + e + "' is not a JID", ex);
            }
        }
        return new CreatorPolicy(false, Set.copyOf(accounts));
    }

    boolean allows(BareJid user) {
        return everyone || accounts.contains(user.toString());
    }
}
