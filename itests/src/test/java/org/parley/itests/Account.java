package org.parley.itests;

import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/** An account on the server under test: its local part and password (the domain is the server's). */
public record Account(String local, String password, String domain) {

    public String jid() {
        return local + "@" + domain;
    }

    public EntityBareJid bareJid() {
        try {
            return JidCreate.entityBareFrom(jid());
        } catch (XmppStringprepException e) {
            throw new IllegalStateException(e);
        }
    }

    public Account withPassword(String newPassword) {
        return new Account(local, newPassword, domain);
    }
}
