package org.parley.im.disco;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
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
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stream.StreamContext;
import org.parley.api.stream.StreamFeature;

/**
 * Answers disco#info and disco#items. The server's features are disco's own two namespaces and
 * those of the other iq handlers that answer for the server right now, so a bundle that adds a
 * service shows up in discovery as it arrives and disappears as it leaves, with no list to keep
 * in step. The same information, hashed, is the server's entity capabilities (XEP-0115), offered
 * in the stream features so that a client that saw this server's version before need not ask.
 */
@Component(service = {IqHandler.class, StreamFeature.class},
        property = {IqHandler.NAMESPACE + "=" + DiscoHandler.INFO, IqHandler.NAMESPACE + "=" + DiscoHandler.ITEMS,
            StreamFeature.NAMESPACE + "=" + DiscoHandler.CAPS})
public final class DiscoHandler implements IqHandler, StreamFeature {
    public static final String INFO = "http://jabber.org/protocol/disco#info";
    public static final String ITEMS = "http://jabber.org/protocol/disco#items";
    public static final String CAPS = "http://jabber.org/protocol/caps";
    /** XEP-0115's node: a URI naming the software; the verification string tells the version of the features. */
    public static final String CAPS_NODE = "urn:parley:caps";
    /** The filter for every service but this component's (its name is the class name, the DS default). */
    static final String NOT_THIS_COMPONENT = "(!(component.name=org.parley.im.disco.DiscoHandler))";

    private final ServerInfo server;
    /** The namespaces each handler answers for the server (handlers for accounts only are left out). */
    private final Map<IqHandler, Collection<String>> handlers = new ConcurrentHashMap<>();
    /** The verification string of the features now, computed when first asked after a change. */
    private volatile String capsVer;
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
        Collection<String> to = namespaces(properties.get(IqHandler.TO));
        handlers.put(handler, to.isEmpty() || to.contains(IqHandler.TO_SERVER) ? namespaces(properties.get(IqHandler.NAMESPACE)) : List.of());
        capsVer = null;
    }

    void removeHandler(IqHandler handler) {
        handlers.remove(handler);
        capsVer = null;
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
        boolean toServer = iq.to() != null && iq.to().equals(server.domain());
        String node = query.attribute("node");
        if (node != null) {
            // XEP-0115 section 6.2: a client that does not know our verification string asks for it by node.
            if (toServer && query.namespace().equals(INFO) && node.equals(CAPS_NODE + "#" + capsVer())) {
                return CompletableFuture.completedFuture(iq.resultReply(serverInfo().withAttribute("node", node)));
            }
            return CompletableFuture.completedFuture(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, null));
        }
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

    /** The server's entity capabilities, before and after sign-in alike (XEP-0115 section 6.3). */
    @Override
    public Element advertise(StreamContext stream) {
        return Element.builder("c", CAPS).attribute("hash", "sha-1").attribute("node", CAPS_NODE).attribute("ver", capsVer()).build();
    }

    /** Nothing is negotiated with capabilities: an element of theirs on its own is not a thing a client sends. */
    @Override
    public CompletionStage<Void> handle(Element element, StreamContext stream) {
        stream.close(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, "entity capabilities are announced, not negotiated");
        return CompletableFuture.completedFuture(null);
    }

    String capsVer() {
        String ver = capsVer;
        if (ver == null) {
            ver = verification(serverInfo());
            capsVer = ver;
        }
        return ver;
    }

    /**
     * XEP-0115 section 5.1: identities as category/type/lang/name, then features, each sorted and
     * followed by '<', hashed with SHA-1, in base64. (No extended forms: the server offers none.)
     */
    static String verification(Element info) {
        List<String> identities = new ArrayList<>();
        List<String> features = new ArrayList<>();
        for (Element e : info.elements()) {
            if (e.name().equals("identity")) {
                identities.add(nonNull(e.attribute("category")) + "/" + nonNull(e.attribute("type")) + "/"
                        + nonNull(e.attribute("xml:lang")) + "/" + nonNull(e.attribute("name")));
            } else if (e.name().equals("feature")) {
                features.add(nonNull(e.attribute("var")));
            }
        }
        Collections.sort(identities);
        Collections.sort(features);
        StringBuilder s = new StringBuilder();
        identities.forEach(i -> s.append(i).append('<'));
        features.forEach(f -> s.append(f).append('<'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-1", e);
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** XEP-0030 section 3.1 lets the server answer for an account: it is a registered account. */
    private static Element accountInfo() {
        return Element.builder("query", INFO)
                .child(Element.builder("identity", INFO).attribute("category", "account").attribute("type", "registered").build())
                .child(Element.builder("feature", INFO).attribute("var", INFO).build())
                .build();
    }
}
