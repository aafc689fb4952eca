package org.parley.im.disco;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.ServerInfo;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * Answers disco#info and disco#items. The server's features are disco's own two namespaces and
 * those of the other iq handlers that are registered right now, so a bundle that adds a service
 * shows up in discovery as it arrives and disappears as it leaves, with no list to keep in step.
 */
@Component(property = {IqHandler.NAMESPACE + "=" + DiscoHandler.INFO, IqHandler.NAMESPACE + "=" + DiscoHandler.ITEMS})
public final class DiscoHandler implements IqHandler {
    public static final String INFO = "http://jabber.org/protocol/disco#info";
    public static final String ITEMS = "http://jabber.org/protocol/disco#items";
    /** The filter for every service but this component's (its name is the class name, the DS default). */
    static final String NOT_THIS_COMPONENT = "(!(component.name=org.parley.im.disco.DiscoHandler))";

    private final ServerInfo server;
    private final Map<IqHandler, Collection<String>> handlers = new ConcurrentHashMap<>();
    /** The domains of the components registered now (multi-user chat), by service id. */
    private final Map<Object, String> componentDomains = new ConcurrentHashMap<>();

    @Activate
    public DiscoHandler(@Reference ServerInfo server) {
        this.server = server;
    }

    /**
     * Every iq handler but this component itself: it is an IqHandler too, and binding its own
     * registration made the framework report {@code ServiceFactory.getService() resulted in a
     * cycle} at every start (and left disco out of the list). Its namespaces are added in
     * {@link #serverInfo}.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, target = NOT_THIS_COMPONENT)
    void addHandler(IqHandler handler, Map<String, Object> properties) {
        handlers.put(handler, namespaces(properties.get(IqHandler.NAMESPACE)));
    }

    void removeHandler(IqHandler handler) {
        handlers.remove(handler);
    }

    /**
     * The components, by their service properties only: the server lists their domains as items
     * (XEP-0030 section 4; clients find the multi-user chat service this way). Taking only the
     * properties leaves the component itself unrequested, so nothing activates for a listing.
     */
    @Reference(service = org.parley.api.routing.Component.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeComponent")
    void addComponent(Map<String, Object> properties) {
        Object domain = properties.get(org.parley.api.routing.Component.DOMAIN);
        if (domain instanceof String d && !d.isBlank()) {
            componentDomains.put(properties.get("service.id"), d);
        }
    }

    void removeComponent(Map<String, Object> properties) {
        componentDomains.remove(properties.get("service.id"));
    }

    static Collection<String> namespaces(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof String[] array) {
            return List.of(array);
        }
        return List.of();
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        Element query = iq.payload();
        if (!"get".equals(iq.type()) || !query.name().equals("query")) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, null));
        }
        if (query.attribute("node") != null) {
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, null));
        }
        boolean toServer = iq.to() != null && iq.to().equals(server.domain());
        if (query.namespace().equals(ITEMS)) {
            Element.Builder items = Element.builder("query", ITEMS);
            if (toServer) {
                for (String domain : new TreeSet<>(componentDomains.values())) {
                    items.child(Element.builder("item", ITEMS).attribute("jid", domain).build());
                }
            }
            return CompletableFuture.completedFuture(iq.resultReply(items.build()));
        }
        return CompletableFuture.completedFuture(iq.resultReply(toServer ? serverInfo() : accountInfo()));
    }

    private Element serverInfo() {
        Set<String> features = new TreeSet<>(List.of(INFO, ITEMS));
        for (Collection<String> namespaces : handlers.values()) {
            features.addAll(namespaces);
        }
        Element.Builder query = Element.builder("query", INFO)
                .child(Element.builder("identity", INFO).attribute("category", "server").attribute("type", "im")
                        .attribute("name", server.productName()).build());
        for (String feature : features) {
            query.child(Element.builder("feature", INFO).attribute("var", feature).build());
        }
        return query.build();
    }

    /** XEP-0030 section 3.1 lets the server answer for an account: it is a registered account. */
    private static Element accountInfo() {
        return Element.builder("query", INFO)
                .child(Element.builder("identity", INFO).attribute("category", "account").attribute("type", "registered").build())
                .child(Element.builder("feature", INFO).attribute("var", INFO).build())
                .build();
    }
}
