package org.parley.serviceadmin.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.auth.UserException;
import org.parley.api.auth.UserManager;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * What an admin can do to the service, shared by the XEP-0133 commands and the shell commands, so
 * both do the same thing with the same checks. The account operations block on storage: the
 * commands call them on the worker pool.
 */
final class Operations {
    private final UserManager users;
    private final Supplier<SessionRegistry> sessions;
    private final Supplier<StanzaRouter> router;
    private final Supplier<DomainBareJid> domain;
    private final MessageOfTheDay motd;

    Operations(UserManager users, Supplier<SessionRegistry> sessions, Supplier<StanzaRouter> router, Supplier<DomainBareJid> domain,
            MessageOfTheDay motd) {
        this.users = users;
        this.sessions = sessions;
        this.router = router;
        this.domain = domain;
        this.motd = motd;
    }

    UserManager users() {
        return users;
    }

    MessageOfTheDay motd() {
        return motd;
    }

    /** A bare or full JID of this server's domain; what is wrong with it otherwise. */
    Jid accountJid(String text) throws UserException {
        Jid jid;
        try {
            jid = JidCreate.from(text == null ? "" : text.trim());
        } catch (Exception e) {
            throw new UserException("'" + text + "' is not a JID");
        }
        if (jid.getLocalpartOrNull() == null) {
            throw new UserException("'" + text + "' is not the JID of an account");
        }
        if (!jid.getDomain().equals(domain.get())) {
            throw new UserException(jid.asBareJid() + " is not an account of " + domain.get());
        }
        return jid;
    }

    /** The sessions of an account (bare JID) or the one session of a full JID. */
    List<Session> sessionsOf(Jid jid) {
        SessionRegistry registry = sessions.get();
        if (registry == null) {
            return List.of();
        }
        if (jid instanceof EntityFullJid full) {
            Session s = registry.session(full);
            return s == null ? List.of() : List.of(s);
        }
        return registry.sessions(jid.asEntityBareJidIfPossible());
    }

    /** Ends the sessions; returns how many. */
    int endSessions(Jid jid) {
        List<Session> ended = sessionsOf(jid);
        for (Session s : ended) {
            s.close(StreamErrorCondition.POLICY_VIOLATION, "an administrator ended this session");
        }
        return ended.size();
    }

    /** The accounts online now, sorted. */
    List<EntityBareJid> onlineUsers() {
        SessionRegistry registry = sessions.get();
        TreeSet<EntityBareJid> users = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        if (registry != null) {
            for (Session s : registry.all()) {
                users.add(s.bareJid());
            }
        }
        return new ArrayList<>(users);
    }

    int sessionCount() {
        SessionRegistry registry = sessions.get();
        return registry == null ? 0 : registry.count();
    }

    /** Sends a message from the server to every available session; returns how many it went to. */
    int announce(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the announcement is empty");
        }
        SessionRegistry registry = sessions.get();
        StanzaRouter r = router.get();
        if (registry == null || r == null) {
            throw new IllegalStateException("the session core or routing is not running");
        }
        int sent = 0;
        for (Session s : registry.all()) {
            if (s.isAvailable()) {
                r.route(message(s.jid(), text, "announcement"));
                sent++;
            }
        }
        return sent;
    }

    /** A message from the server (XEP-0133 announcements and the message of the day are plain messages with a body). */
    Stanza message(Jid to, String body, String kind) {
        return Stanza.create(Element.builder("message", Namespaces.CLIENT).attribute("from", domain.get().toString())
                .attribute("to", to.toString()).attribute("type", "headline").attribute("id", kind + "-" + System.nanoTime())
                .textChild("body", body).build());
    }
}
