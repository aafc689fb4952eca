package org.parley.offline.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.routing.InterceptResult;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * XEP-0013 flexible offline message retrieval: a client that asks for it counts its messages,
 * reads their headers, views and removes them one by one by node, or fetches and purges them all,
 * and its available presence no longer floods it with them (section 3). Nodes are the row ids.
 *
 * <p>The count and the headers are service discovery on the node
 * {@code http://jabber.org/protocol/offline}, which the im bundle's disco handler does not know:
 * they are answered here, as an outbound interceptor of the asking user's own iq requests, before
 * the disco handler would see them.
 */
final class FlexibleRetrieval {
    static final String NAMESPACE = "http://jabber.org/protocol/offline";
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
    private static final String DATA = "jabber:x:data";

    private final OfflineMessages offline;

    FlexibleRetrieval(OfflineMessages offline) {
        this.offline = offline;
    }

    // ---- count and headers (disco on the offline node) ----

    /** Takes a user's disco request on the offline node about its own account and answers it; passes everything else. */
    CompletionStage<InterceptResult> intercept(Stanza iq, Session origin) {
        Element query = iq.payload();
        if (origin == null || !"get".equals(iq.type()) || query == null || !NAMESPACE.equals(query.attribute("node"))
                || !(query.namespace().equals(DISCO_INFO) || query.namespace().equals(DISCO_ITEMS)) || !isOwnAccount(iq, origin)) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(iq));
        }
        offline.flexible(origin);
        EntityBareJid user = origin.bareJid();
        String username = user.getLocalpart().toString();
        boolean info = query.namespace().equals(DISCO_INFO);
        return offline.workers().submit(() -> info ? countAnswer(offline.store().count(username))
                : headersAnswer(user, offline.store().headers(username))).handle((answer, e) -> {
                    Stanza reply = e != null ? iq.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT, "offline storage is busy; try again")
                            : iq.resultReply(answer);
                    origin.deliver(reply.withFrom(user));
                    return InterceptResult.consumed();
                });
    }

    /** XEP-0013 section 2.2 (with the XEP-0128 form it names). */
    private static Element countAnswer(int count) {
        return Element.builder("query", DISCO_INFO).attribute("node", NAMESPACE)
                .child(Element.builder("identity", DISCO_INFO).attribute("category", "automation").attribute("type", "message-list").build())
                .child(Element.builder("feature", DISCO_INFO).attribute("var", NAMESPACE).build())
                .child(Element.builder("x", DATA).attribute("type", "result")
                        .child(Element.builder("field", DATA).attribute("var", "FORM_TYPE").attribute("type", "hidden")
                                .textChild("value", NAMESPACE).build())
                        .child(Element.builder("field", DATA).attribute("var", "number_of_messages")
                                .textChild("value", Integer.toString(count)).build())
                        .build())
                .build();
    }

    /** XEP-0013 section 2.3: one item per message, its node and its sender. */
    private static Element headersAnswer(EntityBareJid user, List<OfflineStore.Header> headers) {
        Element.Builder query = Element.builder("query", DISCO_ITEMS).attribute("node", NAMESPACE);
        for (OfflineStore.Header h : headers) {
            query.child(Element.builder("item", DISCO_ITEMS).attribute("jid", user.toString()).attribute("node", Long.toString(h.id()))
                    .attribute("name", h.sender()).build());
        }
        return query.build();
    }

    // ---- view, remove, fetch, purge (the offline namespace) ----

    CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        Element offlineElement = iq.payload();
        if (origin == null || !isOwnAccount(iq, origin)) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.FORBIDDEN,
                    "offline messages are retrieved by their owner only"));
        }
        if (!offlineElement.name().equals("offline")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        }
        offline.flexible(origin);
        String username = origin.bareJid().getLocalpart().toString();
        List<Element> children = offlineElement.elements();
        boolean get = "get".equals(iq.type());
        boolean set = "set".equals(iq.type());
        if (children.size() == 1 && children.get(0).is("fetch", NAMESPACE) && get) {
            return offline.workers().submit(() -> offline.store().all(username))
                    .thenCompose(rows -> offline.deliverAsked(iq, origin, rows, FlexibleRetrieval::marked));
        }
        if (children.size() == 1 && children.get(0).is("purge", NAMESPACE) && set) {
            return offline.workers().submit(() -> {
                offline.store().deleteAll(username);
                return iq.resultReply(null);
            });
        }
        List<Long> view = new ArrayList<>();
        List<Long> remove = new ArrayList<>();
        for (Element item : children) {
            String action = item.attribute("action");
            Long node = node(item.attribute("node"));
            if (!item.is("item", NAMESPACE) || node == null) {
                return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND,
                        "no offline message with node '" + item.attribute("node") + "'"));
            }
            if ("view".equals(action) && get) {
                view.add(node);
            } else if ("remove".equals(action) && set) {
                remove.add(node);
            } else {
                return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST,
                        "view items go in an iq get, remove items in an iq set"));
            }
        }
        if (view.isEmpty() && remove.isEmpty()) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        }
        if (view.isEmpty()) {
            return offline.workers().submit(() -> removeItems(iq, username, remove));
        }
        return offline.workers().submit(() -> viewRows(username, view)).thenCompose(viewed -> viewed.missing() != null
                ? CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND,
                        "no offline message with node '" + viewed.missing() + "'"))
                : offline.deliverAsked(iq, origin, viewed.rows(), FlexibleRetrieval::marked));
    }

    /** The rows a view names, or the first node that names none. */
    private record Viewed(List<OfflineStore.Row> rows, Long missing) {
    }

    /** XEP-0013 section 2.4: every node must exist, or nothing is sent (item-not-found). */
    private Viewed viewRows(String username, List<Long> nodes) throws Exception {
        List<OfflineStore.Row> rows = new ArrayList<>();
        for (long node : nodes) {
            OfflineStore.Row row = offline.store().row(username, node);
            if (row == null) {
                return new Viewed(List.of(), node);
            }
            rows.add(row);
        }
        return new Viewed(rows, null);
    }

    /** XEP-0013 section 2.5: the ones that exist are removed; a node that does not is item-not-found. */
    private Stanza removeItems(Stanza iq, String username, List<Long> nodes) throws Exception {
        boolean all = true;
        for (long node : nodes) {
            all &= offline.store().delete(username, node);
        }
        return all ? iq.resultReply(null) : iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "a node named no offline message");
    }

    // XEP-0013 section 2.6 (fetch): every message, marked with its node, through deliverAsked; they stay until removed or purged.

    /** The stored message with its node (XEP-0013 section 2.4), so the client can remove it by that node. */
    private static Stanza marked(OfflineStore.Row row) {
        Stanza m = StanzaCodec.decode(row.stanza());
        Element mark = Element.builder("offline", NAMESPACE)
                .child(Element.builder("item", NAMESPACE).attribute("node", Long.toString(row.id())).build()).build();
        return Stanza.create(m.element().toBuilder().child(mark).build());
    }

    private static Long node(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Sent to no one (the sender's own account) or to the sender's own bare JID. */
    private static boolean isOwnAccount(Stanza iq, Session origin) {
        return iq.to() == null || iq.to().equals(origin.bareJid());
    }
}
