package org.parley.roster.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.parley.api.routing.InterceptResult;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What privacy lists (XEP-0016, blocks included) do to stanzas. A stanza for a user is decided for
 * the sessions routing will hand it to: to a full JID, that session; to the bare JID, the sessions
 * that get it (a message: the available ones of highest priority; presence: every available one);
 * an iq to the bare JID, or anything while no session would get it, by the default list. When all
 * of them deny, the stanza is refused as the XEP says; when only some do, {@link PrivacyFilter}
 * withholds it from those, deciding from memory.
 */
final class PrivacyEnforcement {
    private static final Logger LOG = LoggerFactory.getLogger(PrivacyEnforcement.class);
    private static final CompletableFuture<Boolean> NO = CompletableFuture.completedFuture(false);

    private final Privacy privacy;
    private final RosterService rosters;

    PrivacyEnforcement(Privacy privacy, RosterService rosters) {
        this.privacy = privacy;
        this.rosters = rosters;
    }

    /** What a stanza to the user is, for the item child elements: incoming message, iq, presence notification, or other. */
    static int inboundKind(Stanza stanza) {
        return switch (stanza.kind()) {
            case MESSAGE -> PrivacyItem.MESSAGE;
            case IQ -> PrivacyItem.IQ;
            case PRESENCE -> isNotification(stanza) ? PrivacyItem.PRESENCE_IN : PrivacyItem.OTHER;
        };
    }

    /** Only outgoing presence notifications have an element of their own; the rest only "all" items cover. */
    static int outboundKind(Stanza stanza) {
        return stanza.kind() == Stanza.Kind.PRESENCE && isNotification(stanza) ? PrivacyItem.PRESENCE_OUT : PrivacyItem.OTHER;
    }

    /** Section 2: presence notifications are available and unavailable presence, not subscriptions or probes. */
    private static boolean isNotification(Stanza presence) {
        return presence.type() == null || "unavailable".equals(presence.type());
    }

    /** The item of the list that decides, reading the roster only when the list needs it. */
    private CompletionStage<PrivacyItem> decide(EntityBareJid user, PrivacyList list, Jid other, int kind) {
        if (list == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (!list.needsRoster()) {
            return CompletableFuture.completedFuture(list.decide(other, kind, null));
        }
        return rosters.roster(user).thenApply(roster -> list.decide(other, kind,
                RosterItem.visibleOrNull(roster.item(other.asBareJid().toString()))));
    }

    /** A stanza a local user's session sent to someone else. */
    CompletionStage<InterceptResult> outbound(Stanza stanza, Session origin, EntityBareJid user) {
        if (hasNoLists(user)) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
        }
        Jid to = stanza.to();
        return privacy.lists(user).thenCompose(lists -> decide(user, privacy.effective(lists, origin), to, outboundKind(stanza)))
                .thenApply(item -> item == null || item.allow() ? InterceptResult.proceed(stanza)
                        : refuseOutbound(stanza, origin, item.isBlock()));
    }

    /**
     * Section 2.13: what the user sends to an entity a rule denies is not routed, and the user
     * learns why ({@code not-acceptable}, with XEP-0191's {@code <blocked/>} when a block denied it);
     * an error or an iq answer is just dropped.
     */
    static InterceptResult refuseOutbound(Stanza stanza, Session origin, boolean blocked) {
        if (origin != null && !stanza.isError() && !(stanza.isIq() && !stanza.isIqRequest())) {
            Stanza error = stanza.errorReply(StanzaErrorCondition.NOT_ACCEPTABLE,
                    blocked ? "you block this address" : "your privacy list does not allow this");
            if (blocked) {
                Element e = error.element();
                Element.Builder b = Element.builder(e.name(), e.namespace());
                for (int i = 0; i < e.attributeCount(); i++) {
                    b.attribute(e.attributeName(i), e.attributeValue(i));
                }
                for (Element child : e.elements()) {
                    b.child(child.is("error", Namespaces.CLIENT)
                            ? child.toBuilder().child(Element.empty("blocked", Blocking.ERRORS)).build() : child);
                }
                error = Stanza.create(b.build());
            }
            origin.deliver(error);
        }
        return InterceptResult.consumed();
    }

    /**
     * A stanza for a local user from someone else. First the sender's side when the sender is a
     * local user too: what the server sends on their behalf (presence broadcast, probe answers)
     * does not reach an entity their list denies presence-out or everything, and is dropped without
     * a word. Then the recipient's side.
     */
    CompletionStage<InterceptResult> inbound(Stanza stanza, EntityBareJid account) {
        Jid from = stanza.from();
        Jid recipient = stanza.to() != null ? stanza.to() : account;
        if (stanza.kind() == Stanza.Kind.PRESENCE && !stanza.isError() && isNotification(stanza) && !wouldReach(recipient, account)) {
            // Nobody would get it (routing drops presence for an account without an available
            // resource), so no list needs reading: a broadcast to offline contacts, or to contacts
            // signing off at the same moment, costs no lookup and so cannot be refused for one.
            return CompletableFuture.completedFuture(InterceptResult.consumed());
        }
        boolean localSender = rosters.blocking().isLocalAccount(from);
        if (hasNoLists(account) && (!localSender || hasNoLists(from.asEntityBareJidIfPossible()))) {
            return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
        }
        CompletionStage<Boolean> senderDenies = NO;
        if (localSender) {
            EntityBareJid sender = from.asEntityBareJidIfPossible();
            Session senderSession = from.hasResource() ? rosters.session(from.asEntityFullJidIfPossible()) : null;
            senderDenies = privacy.lists(sender).thenCompose(lists -> decide(sender, privacy.effective(lists, senderSession), recipient, outboundKind(stanza)))
                    .thenApply(item -> item != null && !item.allow());
        }
        return senderDenies.thenCompose(silenced -> silenced ? CompletableFuture.completedFuture(InterceptResult.consumed())
                : recipientSide(stanza, account, from));
    }

    /**
     * True when the user's lists are in memory and there are none: no rule can deny anything, so
     * the decision needs no stage (most users, on every stanza they send and receive). Lists not
     * in memory take the usual way, which reads them.
     */
    private boolean hasNoLists(EntityBareJid user) {
        PrivacyLists lists = privacy.cached(user);
        return lists != null && lists.lists().isEmpty();
    }

    /** True when routing would hand a presence notification to some session: the bound full JID, or an available resource of the bare one. */
    private boolean wouldReach(Jid recipient, EntityBareJid account) {
        if (recipient.hasResource()) {
            return rosters.session(recipient.asEntityFullJidIfPossible()) != null;
        }
        for (Session s : rosters.sessions(account)) {
            if (s.isAvailable()) {
                return true;
            }
        }
        return false;
    }

    private CompletionStage<InterceptResult> recipientSide(Stanza stanza, EntityBareJid account, Jid from) {
        int kind = inboundKind(stanza);
        return privacy.lists(account).thenCompose(lists -> {
            if (lists.lists().isEmpty()) {
                return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
            }
            List<Session> targets = targets(stanza, account);
            Set<PrivacyList> applied = new LinkedHashSet<>();
            if (targets.isEmpty()) {
                PrivacyList d = lists.defaultList();
                if (d == null) {
                    return CompletableFuture.completedFuture(InterceptResult.proceed(stanza));
                }
                applied.add(d);
            }
            for (Session s : targets) {
                PrivacyList list = privacy.effective(lists, s);
                if (list == null) {
                    return CompletableFuture.completedFuture(InterceptResult.proceed(stanza)); // one gets it: the filter withholds it from the others
                }
                applied.add(list);
            }
            CompletionStage<Boolean> allDeny = CompletableFuture.completedFuture(true);
            for (PrivacyList list : applied) {
                allDeny = allDeny.thenCompose(all -> !all ? NO : decide(account, list, from, kind).thenApply(item -> item != null && !item.allow()));
            }
            return allDeny.thenApply(denied -> denied ? refuseInbound(stanza) : InterceptResult.proceed(stanza));
        });
    }

    /**
     * Section 2.12: a denied entity's presence is dropped without a word, its messages and requests
     * answered {@code service-unavailable} as if the user were not there, answers to requests dropped.
     */
    static InterceptResult refuseInbound(Stanza stanza) {
        return switch (stanza.kind()) {
            case PRESENCE -> InterceptResult.consumed();
            case MESSAGE -> stanza.isError() ? InterceptResult.consumed() : InterceptResult.refuse(StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
            case IQ -> stanza.isIqRequest() ? InterceptResult.refuse(StanzaErrorCondition.SERVICE_UNAVAILABLE, null) : InterceptResult.consumed();
        };
    }

    /** The sessions routing will hand a stanza for the account to (RFC 6121 section 8.5); none for what the server answers or stores. */
    private List<Session> targets(Stanza stanza, EntityBareJid account) {
        Jid to = stanza.to();
        if (to != null && to.hasResource()) {
            Session target = rosters.session(to.asEntityFullJidIfPossible());
            if (target != null) {
                return List.of(target);
            }
            String type = stanza.type();
            if (stanza.kind() != Stanza.Kind.MESSAGE || !(type == null || "normal".equals(type) || "chat".equals(type))) {
                return List.of();
            }
        }
        switch (stanza.kind()) {
            case IQ -> {
                return List.of();
            }
            case PRESENCE -> {
                return rosters.available(account);
            }
            default -> {
                boolean headline = "headline".equals(stanza.type());
                int best = Integer.MIN_VALUE;
                List<Session> available = rosters.available(account);
                for (Session s : available) {
                    if (s.priority() >= 0 && s.priority() > best) {
                        best = s.priority();
                    }
                }
                List<Session> result = new ArrayList<>(1);
                for (Session s : available) {
                    if (s.priority() >= 0 && (headline || s.priority() == best)) {
                        result.add(s);
                    }
                }
                return result;
            }
        }
    }

    /**
     * For one receiving session, from memory: the stanza, or null when the list that applies to
     * that session denies it. Lists not in memory (a race with a session's end, or a stanza checked
     * by the previous version during an upgrade) withhold it only where an active list could deny.
     */
    Stanza filter(Stanza stanza, Session recipient) {
        Jid from = stanza.from();
        EntityBareJid user = recipient.bareJid();
        if (stanza.isError() || from == null || rosters.blocking().isServer(from) || from.asBareJid().equals(user)) {
            return stanza;
        }
        PrivacyLists lists = privacy.cached(user);
        if (lists != null && lists.lists().isEmpty()) {
            return stanza; // no list, so no active one either
        }
        String activeName = privacy.active.get(recipient.id());
        if (lists == null) {
            if (activeName == null) {
                return stanza; // the interceptor decided with the default list
            }
            privacy.lists(user); // in memory for the next one
            LOG.debug("Withholding a {} from {} for {}: the active list is not in memory", stanza.kind().xmlName(), from, recipient.jid());
            return null;
        }
        PrivacyList list = Privacy.effective(lists, activeName);
        if (list == null) {
            return stanza;
        }
        RosterItem item = null;
        if (list.needsRoster()) {
            Roster roster = rosters.cachedRoster(user);
            if (roster == null) {
                rosters.roster(user);
                LOG.debug("Withholding a {} from {} for {}: the roster is not in memory", stanza.kind().xmlName(), from, recipient.jid());
                return null;
            }
            // Shared groups count as roster groups and subscriptions here, as the user sees them.
            item = RosterItem.visibleOrNull(rosters.itemAsSeen(roster, user, from.asBareJid().toString()));
        }
        return list.denies(from, inboundKind(stanza), item) ? null : stanza;
    }

}
