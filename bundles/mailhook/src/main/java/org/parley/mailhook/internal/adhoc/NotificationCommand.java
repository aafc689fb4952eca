package org.parley.mailhook.internal.adhoc;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.parley.api.routing.InterceptResult;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Node;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * The "Mail notifications" command (XEP-0050): a user sees whether mails about messages that wait
 * for them are on, and turns them off or on. Executed on the server's JID; the first request
 * answers with a form holding the current setting, the second (complete) stores the choice.
 * Listed in service discovery (XEP-0050 section 2) by answering the user's own disco requests on
 * the commands node and on this command's node, as an outbound interceptor, because the server's
 * disco handler knows no nodes.
 */
public final class NotificationCommand {
    public static final String COMMANDS = "http://jabber.org/protocol/commands";
    public static final String NODE = "urn:parley:mailhook:notifications";
    static final String NAME = "Mail notifications";
    static final String DATA = "jabber:x:data";
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
    static final String FIELD = "notify";
    /** How long a started command waits for its completion. */
    static final Duration SESSION_TIMEOUT = Duration.ofMinutes(10);

    private final NotificationSetting setting;
    private final WorkerPool workers;
    private final Supplier<DomainBareJid> domain;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Pending> sessions = new ConcurrentHashMap<>();

    /** A started command: whose it is, and since when. */
    record Pending(String owner, Instant started) {
    }

    public NotificationCommand(NotificationSetting setting, WorkerPool workers, Supplier<DomainBareJid> domain, Clock clock) {
        this.setting = setting;
        this.workers = workers;
        this.domain = domain;
        this.clock = clock;
    }

    /** Answers a request in the commands namespace (type get or set, to the server, the account or no one). */
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
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
        if (!NODE.equals(command.attribute("node"))) {
            return done(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "no command '" + command.attribute("node") + "'"));
        }
        String action = command.attribute("action") == null ? "execute" : command.attribute("action");
        String sessionId = command.attribute("sessionid");
        String owner = origin.bareJid().toString();
        String username = origin.bareJid().getLocalpart().toString();
        expireOld();
        switch (action) {
            case "execute", "complete", "cancel", "next", "prev" -> {
            }
            default -> {
                return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "malformed-action", "unknown action '" + action + "'"));
            }
        }
        if (sessionId == null) {
            if (!action.equals("execute")) {
                return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "bad-action", "start the command with execute"));
            }
            return run(iq, () -> {
                boolean on = setting.enabled(username);
                String id = newSessionId();
                sessions.put(id, new Pending(owner, clock.instant()));
                return iq.resultReply(form(id, on));
            });
        }
        Pending pending = sessions.get(sessionId);
        if (pending == null || !pending.owner().equals(owner)) {
            return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "bad-sessionid", "no such command session"));
        }
        if (action.equals("cancel")) {
            sessions.remove(sessionId);
            return done(iq.resultReply(status(sessionId, "canceled").build()));
        }
        if (action.equals("next") || action.equals("prev")) {
            return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "bad-action", "this command has one stage: complete it"));
        }
        Boolean choice = submitted(command.child("x", DATA));
        if (choice == null) {
            return done(specificError(iq, StanzaErrorCondition.BAD_REQUEST, "bad-payload",
                    "expected a submitted form with the boolean field '" + FIELD + "'"));
        }
        return run(iq, () -> {
            setting.enabled(username, choice);
            sessions.remove(sessionId);
            Element note = Element.builder("note", COMMANDS).attribute("type", "info")
                    .text(choice ? "Mail notifications are on." : "Mail notifications are off.").build();
            return iq.resultReply(status(sessionId, "completed").child(note).build());
        });
    }

    private interface Work {
        Stanza call() throws Exception;
    }

    private CompletionStage<Stanza> run(Stanza iq, Work work) {
        return workers.submit(work::call).handle((reply, e) -> {
            if (e == null) {
                return reply;
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof WorkRejectedException) {
                return iq.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT, "the server is busy; try again");
            }
            return iq.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, "the setting could not be read or stored");
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

    private static Element.Builder status(String sessionId, String status) {
        return Element.builder("command", COMMANDS).attribute("node", NODE).attribute("sessionid", sessionId).attribute("status", status);
    }

    private static Element form(String sessionId, boolean on) {
        Element x = Element.builder("x", DATA).attribute("type", "form")
                .textChild("title", NAME)
                .textChild("instructions", "When someone writes to you while you are not signed in, the server can tell you by mail "
                        + "who wrote (not what). Turn it on or off.")
                .child(Element.builder("field", DATA).attribute("var", FIELD).attribute("type", "boolean")
                        .attribute("label", "Mail me when someone writes while I am away")
                        .child(Element.builder("value", DATA).text(on ? "1" : "0").build()).build())
                .build();
        Element actions = Element.builder("actions", COMMANDS).attribute("execute", "complete")
                .child(Element.empty("complete", COMMANDS)).build();
        return status(sessionId, "executing").child(actions).child(x).build();
    }

    /** The boolean the user chose, or null when the form is missing, not submitted or the value is not a XEP-0004 boolean. */
    static Boolean submitted(Element x) {
        if (x == null || !"submit".equals(x.attribute("type"))) {
            return null;
        }
        for (Element field : x.elements()) {
            if (field.is("field", DATA) && FIELD.equals(field.attribute("var"))) {
                Element value = field.child("value", DATA);
                String v = value == null ? null : value.text().strip();
                if ("1".equals(v) || "true".equals(v)) {
                    return true;
                }
                if ("0".equals(v) || "false".equals(v)) {
                    return false;
                }
                return null;
            }
        }
        return null;
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

    // ---- service discovery of the command (XEP-0050 section 2) ----

    /** Takes a user's disco request about the server's commands and answers it; passes everything else. */
    public CompletionStage<InterceptResult> intercept(Stanza iq, Session origin) {
        Element query = iq.payload();
        if (origin == null || !"get".equals(iq.type()) || query == null || !query.name().equals("query")
                || iq.to() == null || !iq.to().equals(domain.get())) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(iq));
        }
        String node = query.attribute("node");
        Element answer = null;
        if (query.namespace().equals(DISCO_ITEMS) && COMMANDS.equals(node)) {
            answer = Element.builder("query", DISCO_ITEMS).attribute("node", COMMANDS)
                    .child(Element.builder("item", DISCO_ITEMS).attribute("jid", domain.get().toString()).attribute("node", NODE)
                            .attribute("name", NAME).build()).build();
        } else if (query.namespace().equals(DISCO_INFO) && NODE.equals(node)) {
            answer = Element.builder("query", DISCO_INFO).attribute("node", NODE)
                    .child(Element.builder("identity", DISCO_INFO).attribute("category", "automation").attribute("type", "command-node")
                            .attribute("name", NAME).build())
                    .child(Element.builder("feature", DISCO_INFO).attribute("var", COMMANDS).build())
                    .child(Element.builder("feature", DISCO_INFO).attribute("var", DATA).build())
                    .build();
        } else if (query.namespace().equals(DISCO_INFO) && COMMANDS.equals(node)) {
            answer = Element.builder("query", DISCO_INFO).attribute("node", COMMANDS)
                    .child(Element.builder("identity", DISCO_INFO).attribute("category", "automation").attribute("type", "command-list")
                            .build()).build();
        }
        if (answer == null) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(iq));
        }
        origin.deliver(iq.resultReply(answer));
        return CompletableFuture.completedFuture(InterceptResult.consumed());
    }

    // ---- handoff: started commands survive an upgrade of the bundle ----

    public Map<String, Object> export() {
        Map<String, Object> out = new HashMap<>();
        sessions.forEach((id, p) -> out.put(id, p.owner() + "\n" + p.started().toEpochMilli()));
        return out;
    }

    public void restore(Map<?, ?> state) {
        state.forEach((id, value) -> {
            if (id instanceof String s && value instanceof String v && v.indexOf('\n') > 0) {
                try {
                    int nl = v.indexOf('\n');
                    sessions.put(s, new Pending(v.substring(0, nl), Instant.ofEpochMilli(Long.parseLong(v.substring(nl + 1)))));
                } catch (NumberFormatException e) {
                    // another version's format: that command is started again by its user
                }
            }
        });
    }

    int pendingSessions() {
        return sessions.size();
    }
}
