package org.parley.privatexml.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.auth.AccountListener;
import org.parley.api.routing.IqHandler;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.storage.SqlDatabase;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmppStreamParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private XML storage (XEP-0049): a user keeps XML on the server under a namespace of their
 * choice (Pidgin's and Gajim's bookmarks, Psi's preferences) and gets it back from any client.
 * Only the user reads and writes their own. Nothing is kept in memory: an upgrade needs no
 * handoff, and requests during it wait for the successor.
 */
@Component(service = {IqHandler.class, AccountListener.class}, property = IqHandler.NAMESPACE + "=" + PrivateXmlHandler.NAMESPACE)
public final class PrivateXmlHandler implements IqHandler, AccountListener {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateXmlHandler.class);
    static final String NAMESPACE = "jabber:iq:private";
    /** Per stored element, in characters of its XML. */
    static final int MAX_ELEMENT_CHARS = 65_536;
    /** Per user: namespaces, and characters in all. */
    static final int MAX_NAMESPACES = 100;
    static final long MAX_TOTAL_CHARS = 1_048_576;

    private final PrivateStore store;
    private final WorkerPool workers;

    @Activate
    public PrivateXmlHandler(@Reference SqlDatabase database, @Reference WorkerPool workers) {
        this(new PrivateStore(database), workers);
        store.migrate(); // blocks: fine in activation, never on a session thread
    }

    PrivateXmlHandler(PrivateStore store, WorkerPool workers) {
        this.store = store;
        this.workers = workers;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (origin == null) {
            return answer(iq.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null));
        }
        if (iq.to() != null && iq.to().hasLocalpart() && !iq.to().equals(origin.bareJid())) {
            return answer(iq.errorReply(StanzaErrorCondition.FORBIDDEN, "private data is only your own"));
        }
        Element query = iq.payload();
        List<Element> items = query.elements();
        if (!query.name().equals("query") || items.isEmpty()) {
            return answer(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "a query holds the element to get or store"));
        }
        for (Element item : items) {
            String ns = item.namespace();
            // Section 3: the client's own namespaces are not storage; jabber:iq:private itself neither.
            if (ns.isEmpty() || ns.equals(Namespaces.CLIENT) || ns.equals(Namespaces.SERVER) || ns.equals(NAMESPACE)) {
                return answer(iq.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE, "data must be in a namespace of its own"));
            }
        }
        String username = origin.bareJid().getLocalpart().toString();
        return "get".equals(iq.type()) ? get(iq, username, items) : set(iq, username, items);
    }

    private CompletionStage<Stanza> get(Stanza iq, String username, List<Element> items) {
        return workers.submit(() -> {
            Element.Builder result = Element.builder("query", NAMESPACE);
            for (Element item : items) {
                String xml = store.get(username, item.namespace());
                result.child(xml == null ? Element.empty(item.name(), item.namespace()) : XmppStreamParser.parseElement(xml, NAMESPACE));
            }
            return iq.resultReply(result.build());
        }).exceptionally(e -> failure(iq, e));
    }

    private CompletionStage<Stanza> set(Stanza iq, String username, List<Element> items) {
        List<String[]> entries = new ArrayList<>(items.size());
        List<String> namespaces = new ArrayList<>(items.size());
        long chars = 0;
        for (Element item : items) {
            String xml = XmlSerializer.toXml(item);
            if (xml.length() > MAX_ELEMENT_CHARS) {
                return answer(iq.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE,
                        "at most " + MAX_ELEMENT_CHARS + " characters of XML per namespace"));
            }
            entries.add(new String[] {item.namespace(), xml});
            namespaces.add(item.namespace());
            chars += xml.length();
        }
        long requested = chars;
        return workers.submit(() -> {
            long[] usage = store.usage(username, namespaces);
            if (usage[0] + namespaces.size() > MAX_NAMESPACES || usage[1] + requested > MAX_TOTAL_CHARS) {
                return iq.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT, "private storage is full (at most "
                        + MAX_NAMESPACES + " namespaces and " + MAX_TOTAL_CHARS + " characters)");
            }
            store.put(username, entries);
            return iq.resultReply(null);
        }).exceptionally(e -> failure(iq, e));
    }

    /** A deleted account's stored data goes with it. */
    @Override
    public void deleted(EntityBareJid account) {
        try {
            store.deleteAll(account.getLocalpart().toString());
        } catch (java.sql.SQLException e) {
            LOG.error("The private XML of the deleted account {} was not deleted", account, e);
        }
    }

    private static Stanza failure(Stanza iq, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof WorkRejectedException) {
            return iq.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT, "the server is busy; try again");
        }
        LOG.error("Private XML storage failed for {}", iq.from(), cause);
        return iq.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
    }

    private static CompletionStage<Stanza> answer(Stanza reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
