package org.parley.admin.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.auth.UserException;
import org.parley.api.auth.UserManager;
import org.parley.api.session.ClientSoftware;
import org.parley.api.session.ClientSoftwareDirectory;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.StreamErrorCondition;

/** Accounts and their sessions, over {@link UserManager} and {@link SessionRegistry}. Blocking. */
final class UsersApi {
    private static final int MAX_PAGE = 1000;
    private static final long END_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final UserManager users;
    private final SessionRegistry registry;
    private final String domain;
    private final ClientSoftwareDirectory software;

    /** @param software what the clients said they run (XEP-0092), or null while nobody asks them */
    UsersApi(UserManager users, SessionRegistry registry, String domain, ClientSoftwareDirectory software) {
        this.users = users;
        this.registry = registry;
        this.domain = domain;
        this.software = software;
    }

    /** Accounts whose name contains {@code query} (all when blank), in name order, a page of them. */
    Map<String, Object> search(String query, int offset, int limit) throws ApiException {
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw ApiException.badRequest("offset must be 0 or more and limit between 1 and " + MAX_PAGE);
        }
        String needle = query == null ? "" : query.trim().toLowerCase(Locale.ROOT);
        try {
            int total = users.count();
            List<String> matching = new ArrayList<>();
            for (int from = 0; from < total; from += MAX_PAGE) {
                for (String name : users.list(from, MAX_PAGE)) {
                    if (needle.isEmpty() || name.contains(needle)) {
                        matching.add(name);
                    }
                }
            }
            List<Map<String, Object>> page = new ArrayList<>();
            for (String name : matching.subList(Math.min(offset, matching.size()), Math.min(offset + limit, matching.size()))) {
                page.add(summary(name));
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("total", matching.size());
            result.put("offset", offset);
            result.put("users", page);
            return result;
        } catch (UserException e) {
            throw new ApiException(503, e.getMessage());
        }
    }

    Map<String, Object> get(String raw) throws ApiException {
        return summary(existing(raw));
    }

    Map<String, Object> create(String raw, String password) throws ApiException {
        String name = prepared(raw);
        if (password == null || password.isEmpty()) {
            throw ApiException.badRequest("'password' is required");
        }
        try {
            if (users.exists(name)) {
                throw ApiException.conflict("the account " + name + " exists already");
            }
            users.create(name, password);
        } catch (UserException e) {
            throw ApiException.unprocessable(e.getMessage());
        }
        return summary(name);
    }

    /** @return the account's prepared name */
    String delete(String raw) throws ApiException {
        String name = existing(raw);
        try {
            users.delete(name);
        } catch (UserException e) {
            throw ApiException.unprocessable(e.getMessage());
        }
        return name;
    }

    void setPassword(String raw, String password) throws ApiException {
        String name = existing(raw);
        if (password == null || password.isEmpty()) {
            throw ApiException.badRequest("'password' is required");
        }
        try {
            users.setPassword(name, password);
        } catch (UserException e) {
            throw ApiException.unprocessable(e.getMessage());
        }
    }

    void setDisabled(String raw, boolean disabled) throws ApiException {
        String name = existing(raw);
        try {
            if (disabled) {
                users.disable(name);
            } else {
                users.enable(name);
            }
        } catch (UserException e) {
            throw ApiException.unprocessable(e.getMessage());
        }
    }

    List<Map<String, Object>> sessions(String raw) throws ApiException {
        String name = existing(raw);
        List<Map<String, Object>> result = new ArrayList<>();
        if (registry == null) {
            return result;
        }
        for (Session s : registry.sessions(jid(name))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("jid", s.jid().toString());
            m.put("resource", s.jid().getResourcepart().toString());
            m.put("address", s.remoteAddress() == null ? null : s.remoteAddress().getAddress().getHostAddress());
            m.put("port", s.remoteAddress() == null ? null : s.remoteAddress().getPort());
            m.put("secure", s.isSecure());
            m.put("tlsProtocol", s.tlsProtocol());
            m.put("tlsCipherSuite", s.tlsCipherSuite());
            m.put("saslMechanism", s.authMechanism());
            m.put("available", s.isAvailable());
            m.put("detached", s.isDetached());
            m.put("boundAt", s.boundAt() == null ? null : s.boundAt().toString());
            m.put("clientSoftware", clientSoftware(s.id()));
            result.add(m);
        }
        return result;
    }

    /** name, version and os as the client answered; null when it did not (yet), or nobody asks. */
    private Map<String, Object> clientSoftware(String sessionId) {
        ClientSoftwareDirectory directory = software;
        ClientSoftware answer = directory == null ? null : directory.clientSoftware(sessionId).orElse(null);
        if (answer == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", answer.name());
        m.put("version", answer.version());
        m.put("os", answer.os());
        return m;
    }

    void endSession(String raw, String sessionId) throws ApiException {
        String name = existing(raw);
        if (registry != null) {
            for (Session s : registry.sessions(jid(name))) {
                if (s.id().equals(sessionId)) {
                    s.close(StreamErrorCondition.POLICY_VIOLATION, "ended by an administrator");
                    awaitGone(jid(name), sessionId);
                    return;
                }
            }
        }
        throw ApiException.notFound(name + " has no session " + sessionId);
    }

    /**
     * The core ends a session on that session's own executor, after the stream error is written; waiting
     * (briefly) for it to leave the registry means the list an operator reloads after "End" no longer shows it.
     */
    private void awaitGone(EntityBareJid account, String sessionId) {
        long deadline = System.nanoTime() + END_WAIT_NANOS;
        while (System.nanoTime() < deadline && registry != null
                && registry.sessions(account).stream().anyMatch(s -> s.id().equals(sessionId))) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Map<String, Object> summary(String name) throws ApiException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", name);
        m.put("jid", name + "@" + domain);
        try {
            m.put("disabled", users.isDisabled(name));
        } catch (UserException e) {
            m.put("disabled", null);
        }
        m.put("sessions", registry == null ? 0 : registry.sessions(jid(name)).size());
        return m;
    }

    private String existing(String raw) throws ApiException {
        String name = prepared(raw);
        try {
            if (!users.exists(name)) {
                throw ApiException.notFound("no account " + name + " on " + domain);
            }
        } catch (UserException e) {
            throw new ApiException(503, e.getMessage());
        }
        return name;
    }

    private String prepared(String raw) throws ApiException {
        String name = raw != null && raw.endsWith("@" + domain) ? raw.substring(0, raw.length() - domain.length() - 1) : raw;
        String prepared = Passwords.username(name);
        if (prepared == null) {
            throw ApiException.badRequest("'" + raw + "' is not a valid account name");
        }
        return prepared;
    }

    private EntityBareJid jid(String name) throws ApiException {
        try {
            return JidCreate.entityBareFrom(name + "@" + domain);
        } catch (XmppStringprepException e) {
            throw ApiException.badRequest("'" + name + "' is not a valid account name");
        }
    }
}
