package org.parley.adhoc.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.adhoc.AdHocCommand;
import org.parley.api.adhoc.AdHocRequest;
import org.parley.api.adhoc.AdHocStage;
import org.parley.api.routing.InterceptResult;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Node;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of XEP-0050 for every registered {@link AdHocCommand}: who may run what, sessions
 * (a random id, bound to the requester's account, forgotten after {@link #SESSION_TIMEOUT}), the
 * actions (execute, next and complete submit a form; cancel ends; prev is refused, no command
 * here goes back; a session whose stage failed stays, so the user may correct the form) and the errors of section 4.6. Listed in service discovery (section 2) by
 * answering the user's disco requests on the commands node and on each command's node, since the
 * server's disco handler knows no nodes.
 */
final class AdHocDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(AdHocDispatcher.class);
    static final String COMMANDS = "http://jabber.org/protocol/commands";
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
    static final Duration SESSION_TIMEOUT = Duration.ofMinutes(10);

    /** A registered command and its name. */
    record Registered(AdHocCommand command, String name) {
    }

    /** A started command waiting for its next stage. */
    record Pending(String node, String owner, Map<String, Object> state, Instant started) {
    }

    private final Supplier<DomainBareJid> domain;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Registered> commands = new ConcurrentHashMap<>();
    private final Map<String, Pending> sessions = new ConcurrentHashMap<>();

    AdHocDispatcher(Supplier<DomainBareJid> domain, Clock clock) {
        this.domain = domain;
        this.clock = clock;
    }

    void add(String node, String name, AdHocCommand command) {
        Registered earlier = commands.put(node, new Registered(command, name == null ? node : name));
        if (earlier != null && earlier.command() != command) {
            LOG.warn("Two commands claim the node {}: the newer one ({}) is run", node, command.getClass().getName());
        }
    }

    void remove(String node, AdHocCommand command) {
        commands.computeIfPresent(node, (n, r) -> r.command() == command ? null : r);
    }

    /** Answers a request in the commands namespace addressed to the server. */
    CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        Element command = iq.payload();
        if (origin == null || command == null || !command.is("command", COMMANDS)) {
            return done(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "expected a command element"));
        }
        if (iq.to() == null || !iq.to().equals(domain.get())) {
            return done(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, "commands are offered by " + domain.get()));
        }
        if (!"set".equals(iq.type())) {
            return done(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "a command is executed with an iq of type set"));
        }
        String node = command.attribute("node");
        Registered registered = node == null ? null : commands.get(node);
        if (registered == null) {
            return done(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no command '" + node + "'"));
        }
        EntityBareJid requester = origin.bareJid();
        if (!allows(registered, requester)) {
            return done(iq.errorReply(StanzaErrorCondition.FORBIDDEN, "you may not run '" + registered.name() + "'"));
        }
        String action = command.attribute("action") == null ? "execute" : command.attribute("action");
        switch (action) {
            case "execute", "complete", "cancel", "next", "prev" -> {
            }
            default -> {
                return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "malformed-action", "unknown action '" + action + "'"));
            }
        }
        expireOld();
        String sessionId = command.attribute("sessionid");
        if (sessionId == null) {
            if (!action.equals("execute")) {
                return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "bad-action", "start the command with execute"));
            }
            return stage(iq, node, registered, null, new AdHocRequest(origin.jid(), null, Map.of()));
        }
        Pending pending = sessions.get(sessionId);
        if (pending == null || !pending.owner().equals(requester.toString()) || !pending.node().equals(node)) {
            return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "bad-sessionid", "no such command session"));
        }
        if (action.equals("cancel")) {
            sessions.remove(sessionId);
            return done(iq.resultReply(status(node, sessionId, "canceled").build()));
        }
        if (action.equals("prev")) {
            return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "bad-action", "this command does not go back"));
        }
        Element form = command.child("x", AdHocStage.DATA);
        if (form == null || !"submit".equals(form.attribute("type"))) {
            return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "bad-payload", "expected the submitted form"));
        }
        return stage(iq, node, registered, sessionId, new AdHocRequest(origin.jid(), form, pending.state()));
    }

    private static boolean allows(Registered registered, EntityBareJid requester) {
        try {
            return registered.command().allows(requester);
        } catch (RuntimeException e) {
            LOG.error("Command {} failed to say who may run it; refused", registered.name(), e);
            return false;
        }
    }

    private CompletionStage<Stanza> stage(Stanza iq, String node, Registered registered, String sessionId, AdHocRequest request) {
        CompletionStage<AdHocStage> stage;
        try {
            stage = registered.command().execute(request);
        } catch (RuntimeException e) {
            LOG.error("Command {} failed", registered.name(), e);
            return done(iq.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, "the command failed"));
        }
        return stage.handle((s, e) -> {
            if (e != null || s == null) {
                LOG.error("Command {} failed", registered.name(), e);
                return iq.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, "the command failed");
            }
            if (s.error() != null) {
                // A started session stays: the user may correct what they submitted.
                return s.badPayload() ? specificError(iq, s.error(), "bad-payload", s.errorText()) : iq.errorReply(s.error(), s.errorText());
            }
            String id = sessionId != null ? sessionId : newSessionId();
            Element.Builder answer = status(node, id, s.completed() ? "completed" : "executing");
            if (s.completed()) {
                sessions.remove(id);
            } else {
                sessions.put(id, new Pending(node, request.requester().asEntityBareJid().toString(), s.state(), clock.instant()));
                answer.child(Element.builder("actions", COMMANDS).attribute("execute", "complete")
                        .child(Element.empty("complete", COMMANDS)).build());
            }
            if (s.note() != null) {
                answer.child(Element.builder("note", COMMANDS).attribute("type", "info").text(s.note()).build());
            }
            if (s.form() != null) {
                answer.child(s.form());
            }
            return iq.resultReply(answer.build());
        });
    }

    private static CompletionStage<Stanza> done(Stanza reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private String newSessionId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private void expireOld() {
        Instant oldest = clock.instant().minus(SESSION_TIMEOUT);
        sessions.values().removeIf(p -> p.started().isBefore(oldest));
    }

    private static Element.Builder status(String node, String sessionId, String status) {
        return Element.builder("command", COMMANDS).attribute("node", node).attribute("sessionid", sessionId).attribute("status", status);
    }

    /** An error with XEP-0050's application condition (section 4.6) beside the RFC 6120 one. */
    static Stanza specificError(Stanza iq, StanzaErrorCondition condition, String specific, String text) {
        Stanza reply = iq.errorReply(condition, text);
        Element.Builder b = Element.builder(reply.element().name(), reply.element().namespace());
        for (int i = 0; i < reply.element().attributeCount(); i++) {
            b.attribute(reply.element().attributeName(i), reply.element().attributeValue(i));
        }
        for (Node child : reply.element().children()) {
            if (child instanceof Element e && e.name().equals("error")) {
                b.child(e.toBuilder().child(Element.empty(specific, COMMANDS)).build());
            } else {
                b.child(child);
            }
        }
        return Stanza.create(b.build());
    }

    // ---- service discovery (XEP-0050 section 2) ----

    /** Takes a user's disco request about the server's commands and answers it; passes everything else. */
    CompletionStage<InterceptResult> intercept(Stanza iq, Session origin) {
        Element query = iq.payload();
        if (origin == null || !"get".equals(iq.type()) || query == null || !query.name().equals("query")
                || iq.to() == null || !iq.to().equals(domain.get())) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(iq));
        }
        String node = query.attribute("node");
        EntityBareJid requester = origin.bareJid();
        Element answer = null;
        if (query.namespace().equals(DISCO_ITEMS) && COMMANDS.equals(node)) {
            Element.Builder items = Element.builder("query", DISCO_ITEMS).attribute("node", COMMANDS);
            List<Map.Entry<String, Registered>> visible = new ArrayList<>();
            for (Map.Entry<String, Registered> e : commands.entrySet()) {
                if (allows(e.getValue(), requester)) {
                    visible.add(e);
                }
            }
            visible.sort(Comparator.comparing((Map.Entry<String, Registered> e) -> e.getValue().name()));
            for (Map.Entry<String, Registered> e : visible) {
                items.child(Element.builder("item", DISCO_ITEMS).attribute("jid", domain.get().toString()).attribute("node", e.getKey())
                        .attribute("name", e.getValue().name()).build());
            }
            answer = items.build();
        } else if (query.namespace().equals(DISCO_INFO) && COMMANDS.equals(node)) {
            answer = Element.builder("query", DISCO_INFO).attribute("node", COMMANDS)
                    .child(Element.builder("identity", DISCO_INFO).attribute("category", "automation").attribute("type", "command-list")
                            .build()).build();
        } else if (query.namespace().equals(DISCO_INFO) && node != null && commands.containsKey(node)) {
            Registered registered = commands.get(node);
            if (registered != null && allows(registered, requester)) {
                answer = Element.builder("query", DISCO_INFO).attribute("node", node)
                        .child(Element.builder("identity", DISCO_INFO).attribute("category", "automation").attribute("type", "command-node")
                                .attribute("name", registered.name()).build())
                        .child(Element.builder("feature", DISCO_INFO).attribute("var", COMMANDS).build())
                        .child(Element.builder("feature", DISCO_INFO).attribute("var", AdHocStage.DATA).build())
                        .build();
            }
        }
        if (answer == null) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(iq));
        }
        origin.deliver(iq.resultReply(answer));
        return CompletableFuture.completedFuture(InterceptResult.consumed());
    }

    // ---- handoff: started commands survive an upgrade of this bundle ----

    Map<String, Object> export() {
        Map<String, Object> out = new HashMap<>();
        sessions.forEach((id, p) -> out.put(id, Map.of("node", p.node(), "owner", p.owner(), "state", p.state(),
                "started", p.started().toEpochMilli())));
        return out;
    }

    void restore(Map<?, ?> state) {
        state.forEach((id, value) -> {
            if (id instanceof String s && value instanceof Map<?, ?> m && m.get("node") instanceof String node
                    && m.get("owner") instanceof String owner && m.get("state") instanceof Map<?, ?> kept
                    && m.get("started") instanceof Long started) {
                Map<String, Object> copy = new HashMap<>();
                kept.forEach((k, v) -> copy.put(String.valueOf(k), v));
                sessions.put(s, new Pending(node, owner, copy, Instant.ofEpochMilli(started)));
            }
        });
    }

    int pendingSessions() {
        return sessions.size();
    }
}
