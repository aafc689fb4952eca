package org.parley.examples.bot.internal;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * What the bot says to the users who write to it, and how many messages each one has sent: the
 * one piece of state it hands to its successor when it is upgraded, so that a conversation goes on
 * across the upgrade as if nothing happened.
 */
final class Conversations {
    /**
     * ISO 8601 with the milliseconds always written: ISO_OFFSET_DATE_TIME leaves out a fraction
     * that is zero, so one answer in a thousand had none.
     */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT);
    static final String HELP = "I answer: help (this list), time (the server's time), resources (where you are connected), "
            + "count (how many messages you have sent me).";
    private static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    private static final int SNAPSHOT_FORMAT = 1;

    private final Clock clock;
    /** A user's sessions, or null when no session registry is bound (the session core is being upgraded). */
    private final Function<EntityBareJid, List<Session>> sessions;
    private final Map<String, Long> counts = new ConcurrentHashMap<>();

    Conversations(Clock clock, Function<EntityBareJid, List<Session>> sessions) {
        this.clock = clock;
        this.sessions = sessions;
    }

    /** The answer to a stanza addressed to the bot's domain, or null when there is none to give. */
    Stanza answer(Stanza in) {
        if (in.isError() || in.from() == null) {
            return null; // never answer an error with an error
        }
        if (in.isIqRequest()) {
            Element q = in.payload();
            if ("get".equals(in.type()) && q != null && q.is("query", DISCO_INFO) && q.attribute("node") == null) {
                return in.resultReply(Element.builder("query", DISCO_INFO)
                        .child(Element.builder("identity", DISCO_INFO).attribute("category", "component").attribute("type", "generic")
                                .attribute("name", "Parley bot").build())
                        .child(Element.builder("feature", DISCO_INFO).attribute("var", DISCO_INFO).build()).build());
            }
            return in.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
        }
        String body = in.element().childText("body");
        if (in.kind() != Stanza.Kind.MESSAGE || body == null || "groupchat".equals(in.type())) {
            return null;
        }
        EntityBareJid user = in.from().asEntityBareJidIfPossible();
        if (user == null) {
            return null; // a server or component, not someone to talk to
        }
        long count = counts.merge(user.toString(), 1L, Long::sum);
        Element.Builder reply = Element.builder("message", Namespaces.CLIENT)
                .attribute("from", in.to().asDomainBareJid().toString()).attribute("to", in.from().toString())
                .attribute("type", "chat".equals(in.type()) ? "chat" : "normal")
                .textChild("body", text(body.strip().toLowerCase(Locale.ROOT), user, count));
        if (in.id() != null) {
            reply.attribute("id", in.id());
        }
        return Stanza.create(reply.build());
    }

    private String text(String command, EntityBareJid user, long count) {
        return switch (command) {
            case "help" -> HELP;
            case "time" -> "The server's time is " + ZonedDateTime.now(clock).format(TIME) + ".";
            case "resources" -> resources(user);
            case "count" -> "You have sent me " + count + (count == 1 ? " message." : " messages.");
            default -> "I don't know '" + (command.length() > 40 ? command.substring(0, 40) + "..." : command)
                    + "'. Write help for what I can do.";
        };
    }

    private String resources(EntityBareJid user) {
        List<Session> list = sessions.apply(user);
        if (list == null) {
            return "I cannot see sessions right now; ask again in a moment.";
        }
        if (list.isEmpty()) {
            return "You have no connected resource.";
        }
        StringBuilder text = new StringBuilder("You are connected from ").append(list.size())
                .append(list.size() == 1 ? " resource: " : " resources: ");
        List<Session> sorted = list.stream().sorted(Comparator.comparing(s -> s.jid().getResourcepart().toString())).toList();
        for (int i = 0; i < sorted.size(); i++) {
            Session s = sorted.get(i);
            text.append(i == 0 ? "" : ", ").append(s.jid().getResourcepart())
                    .append(" (").append(s.isAvailable() ? "available, priority " + s.priority() : "not available")
                    .append(s.isDetached() ? ", connection lost" : "").append(')');
        }
        return text.append('.').toString();
    }

    /** JDK values only, so that the successor's class loader reads it (and this one can go). */
    Map<String, Object> snapshot() {
        return Map.of("format", SNAPSHOT_FORMAT, "counts", new HashMap<>(counts));
    }

    /** Takes a predecessor's snapshot, tolerantly: what it does not understand is left out. */
    int restore(Map<String, Object> snapshot) {
        if (!(snapshot.get("counts") instanceof Map<?, ?> kept)) {
            return 0;
        }
        kept.forEach((user, n) -> {
            if (user instanceof String u && n instanceof Long c) {
                counts.merge(u, c, Long::sum);
            }
        });
        return kept.size();
    }
}
