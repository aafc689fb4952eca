package org.parley.vcard.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.auth.AccountListener;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.vcard.VCardSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vcard bundle's one component: answers vcard-temp (XEP-0054), adds the photo hash to the
 * presence its users send (XEP-0153), and forgets a deleted account's vCard. vCards live in
 * storage and the hash cache is rebuilt on demand, so an upgrade hands nothing over; requests
 * during it wait for the successor.
 *
 * <p>The interceptor ranks above the roster's presence handling (0), which consumes broadcast
 * presence, and below blocking (100), which decides whether it goes anywhere.
 */
@Component(configurationPid = VCardConfig.PID, immediate = true,
        service = {IqHandler.class, StanzaInterceptor.class, AccountListener.class},
        property = {IqHandler.NAMESPACE + "=" + VCards.NAMESPACE, StanzaInterceptor.KINDS + "=presence",
            StanzaInterceptor.DIRECTION + "=outbound", "service.ranking:Integer=50"})
@Designate(ocd = VCardConfig.class)
public final class VCardComponent implements IqHandler, StanzaInterceptor, AccountListener {
    private static final Logger LOG = LoggerFactory.getLogger(VCardComponent.class);
    static final String UPDATE_NAMESPACE = "vcard-temp:x:update";
    /** XEP-0153's "no photo", the same (immutable) element in every presence that carries it. */
    private static final Element NO_PHOTO = Element.builder("x", UPDATE_NAMESPACE)
            .child(Element.empty("photo", UPDATE_NAMESPACE)).build();

    /** Sources by ranking, highest first, then by service id, oldest first. */
    private final Map<ServiceReference<VCardSource>, VCardSource> sources = new ConcurrentSkipListMap<>((a, b) -> b.compareTo(a));
    private final VCards vcards;
    private volatile boolean avatarHashes;

    @Activate
    public VCardComponent(VCardConfig config, @Reference SqlDatabase database, @Reference WorkerPool workers) {
        VCardStore store = new VCardStore(database);
        store.migrate(); // blocks: fine in activation, never on a session thread
        this.vcards = new VCards(store, workers, () -> List.copyOf(sources.values()), System::nanoTime);
        apply(config, true);
    }

    @Modified
    void modified(VCardConfig config) {
        apply(config, false);
    }

    private void apply(VCardConfig config, boolean first) {
        int max = config.maxPhotoBytes();
        if (max < 1 || max > VCards.MAX_PHOTO_BYTES_LIMIT) {
            LOG.error("Refused the vCard configuration ({}): maxPhotoBytes must be 1 to {}, not {}; {}", VCardConfig.PID,
                    VCards.MAX_PHOTO_BYTES_LIMIT, max, first ? "using the default " + VCards.DEFAULT_MAX_PHOTO_BYTES
                            : "the previous configuration stays in force (maxPhotoBytes = " + vcards.maxPhotoBytes() + ")");
            if (first) {
                avatarHashes = config.avatarHashes();
            }
            return;
        }
        vcards.maxPhotoBytes(max);
        avatarHashes = config.avatarHashes();
        LOG.info("vCards: photos up to {} bytes, avatar hashes in presence {}", max, avatarHashes ? "on" : "off");
    }

    @Reference(service = VCardSource.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeSource")
    void addSource(ServiceReference<VCardSource> reference, VCardSource source) {
        sources.put(reference, source);
        LOG.info("vCards show the fields of source {} ({}) for the accounts it knows", reference.getProperty(Constants.SERVICE_ID),
                reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName());
    }

    void removeSource(ServiceReference<VCardSource> reference) {
        sources.remove(reference);
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        return vcards.handle(iq, origin);
    }

    /**
     * Available presence from a local client that says nothing about its avatar gets the hash of
     * the vCard photo (or an empty {@code photo}: none), so contacts see an avatar set from any
     * client or by the directory. A client that adds the element itself is left alone: it may be
     * saying it is not ready (an empty {@code x}).
     */
    @Override
    public CompletionStage<InterceptResult> intercept(Stanza presence, Interception interception) {
        if (!avatarHashes || presence.type() != null || interception.origin() == null
                || presence.element().child("x", UPDATE_NAMESPACE) != null) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(presence));
        }
        return vcards.shownPhotoHash(interception.account().getLocalpart().toString()).handle((hash, error) -> {
            if (error != null) {
                // Presence matters more than the avatar: it goes on without the hash.
                LOG.warn("No avatar hash for {}: {}", interception.account(), error.toString());
                return InterceptResult.proceed(presence);
            }
            Element x = hash.isEmpty() ? NO_PHOTO : Element.builder("x", UPDATE_NAMESPACE)
                    .child(Element.builder("photo", UPDATE_NAMESPACE).text(hash).build()).build();
            // The roster keeps this presence for the session's life (probe answers): withChild
            // shares the session's parsed address and the presence's children instead of copying them.
            return InterceptResult.proceed(presence.withChild(x));
        });
    }

    @Override
    public void deleted(EntityBareJid account) {
        try {
            vcards.deleted(account.getLocalpart().toString());
        } catch (java.sql.SQLException e) {
            LOG.error("The vCard of the deleted account {} was not deleted", account, e);
        }
    }
}
