package org.parley.serviceadmin.internal;

import java.util.List;
import java.util.StringJoiner;
import org.jxmpp.jid.Jid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.UserException;
import org.parley.api.session.Session;

/**
 * The XEP-0133 operations for operators at the shell, {@code admin:sessions} and so on, and through
 * {@code bin/parley admin ...}; the account operations are the {@code user:} commands of the auth
 * bundle. Gogo finds the methods by name; each returns the text to print or throws an exception
 * whose message is the error.
 */
@Component(service = Object.class, property = {"osgi.command.scope=admin",
    "osgi.command.function=sessions", "osgi.command.function=end", "osgi.command.function=online",
    "osgi.command.function=announce", "osgi.command.function=motd", "osgi.command.function=deletemotd"})
public final class AdminShellCommands {
    private final Operations operations;

    @Activate
    public AdminShellCommands(@Reference ServiceAdmin admin) {
        this.operations = admin.operations();
    }

    /** Every session: JID, address, TLS, mechanism, since when, and whether it waits to be resumed. */
    public String sessions() {
        StringJoiner out = new StringJoiner("\n");
        for (var user : operations.onlineUsers()) {
            operations.sessionsOf(user).forEach(s -> out.add(line(s)));
        }
        return out.length() == 0 ? "no sessions" : out.toString();
    }

    /** The sessions of one account (bare JID) or the one of a full JID. */
    public String sessions(String jid) throws UserException {
        List<Session> found = operations.sessionsOf(operations.accountJid(jid));
        if (found.isEmpty()) {
            return "no sessions of " + jid;
        }
        StringJoiner out = new StringJoiner("\n");
        found.forEach(s -> out.add(line(s)));
        return out.toString();
    }

    private static String line(Session s) {
        return s.jid() + "  " + (s.remoteAddress() == null ? "-" : s.remoteAddress().getHostString()) + "  "
                + (s.isSecure() ? "tls" : "plain") + "  " + s.authMechanism() + "  since " + s.boundAt()
                + (s.isDetached() ? "  detached (waiting to be resumed)" : "");
    }

    /** Ends the sessions of an account, or one session by its full JID. */
    public String end(String jid) throws UserException {
        Jid target = operations.accountJid(jid);
        int n = operations.endSessions(target);
        if (n == 0) {
            throw new UserException("no sessions of " + target);
        }
        return "ended " + n + " session(s) of " + target;
    }

    /** How many users and sessions are online, then the users. */
    public String online() {
        var users = operations.onlineUsers();
        StringJoiner out = new StringJoiner("\n");
        out.add(users.size() + " user(s), " + operations.sessionCount() + " session(s)");
        users.forEach(u -> out.add(u.toString()));
        return out.toString();
    }

    /** Sends a message from the server to every available session. */
    public String announce(String text) {
        return "sent to " + operations.announce(text) + " session(s)";
    }

    /** The message of the day. */
    public String motd() {
        String text = operations.motd().current();
        return text == null ? "no message of the day" : text;
    }

    /** Sets the message of the day, sent to each user at sign-in. */
    public String motd(String text) throws Exception {
        operations.motd().set(text);
        return "message of the day set";
    }

    public String deletemotd() throws Exception {
        if (!operations.motd().delete()) {
            throw new UserException("there is no message of the day");
        }
        return "message of the day deleted";
    }
}
