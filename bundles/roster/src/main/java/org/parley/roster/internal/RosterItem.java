package org.parley.roster.internal;

import java.util.List;
import java.util.Objects;
import org.parley.api.stanza.Element;

/**
 * What a user's server keeps about one contact: the roster item the user sees, and the
 * subscription states of RFC 6121 Appendix A that are not part of it. There is at most one per
 * (user, contact); storage's primary key says so.
 *
 * @param contact the contact's JID as jxmpp prepares it
 * @param name the user's name for the contact, or null
 * @param groups the user's groups for the contact, without duplicates
 * @param askOut the user asked to see the contact's presence and has no answer yet (Pending Out)
 * @param pendingIn the contact asked to see the user's presence and has no answer yet (Pending In)
 * @param request the status text of that request, kept to deliver it again at the next sign-in
 * @param approved the user pre-approved the contact's subscription (RFC 6121 section 3.4)
 * @param inRoster whether the user sees this item: a request from someone who is not in the
 *     roster is kept without adding them to it (RFC 6121 section 3.1.3)
 */
record RosterItem(String contact, String name, List<String> groups, Subscription subscription, boolean askOut,
        boolean pendingIn, String request, boolean approved, boolean inRoster) {
    static final String NAMESPACE = "jabber:iq:roster";

    RosterItem {
        Objects.requireNonNull(contact, "contact");
        groups = List.copyOf(groups);
        Objects.requireNonNull(subscription, "subscription");
    }

    /** A new item the user sees, with no subscription either way. */
    static RosterItem visible(String contact) {
        return new RosterItem(contact, null, List.of(), Subscription.NONE, false, false, null, false, true);
    }

    /** A record of a request from someone not in the roster. */
    static RosterItem hidden(String contact) {
        return new RosterItem(contact, null, List.of(), Subscription.NONE, false, false, null, false, false);
    }

    RosterItem withNameAndGroups(String newName, List<String> newGroups) {
        return new RosterItem(contact, newName, newGroups, subscription, askOut, pendingIn, request, approved, true);
    }

    RosterItem withSubscription(Subscription s) {
        return new RosterItem(contact, name, groups, s, askOut, pendingIn, request, approved, inRoster);
    }

    RosterItem withAskOut(boolean ask) {
        return new RosterItem(contact, name, groups, subscription, ask, pendingIn, request, approved, inRoster);
    }

    RosterItem withPendingIn(boolean pending, String status) {
        return new RosterItem(contact, name, groups, subscription, askOut, pending, pending ? status : null, approved, inRoster);
    }

    RosterItem withApproved(boolean a) {
        return new RosterItem(contact, name, groups, subscription, askOut, pendingIn, request, a, inRoster);
    }

    RosterItem shown() {
        return inRoster ? this : new RosterItem(contact, name, groups, subscription, askOut, pendingIn, request, approved, true);
    }

    /** A hidden record that no longer records anything is not kept. */
    boolean isEmpty() {
        return !inRoster && subscription == Subscription.NONE && !askOut && !pendingIn && !approved;
    }

    /** The item as the user sees it, or null when the user does not see it. */
    static RosterItem visibleOrNull(RosterItem item) {
        return item != null && item.inRoster ? item : null;
    }

    /** The {@code <item/>} of a roster result or push (RFC 6121 section 2.1.2). */
    Element toElement() {
        Element.Builder b = Element.builder("item", NAMESPACE).attribute("jid", contact);
        if (name != null) {
            b.attribute("name", name);
        }
        b.attribute("subscription", subscription.xmlName());
        if (askOut) {
            b.attribute("ask", "subscribe");
        }
        if (approved) {
            b.attribute("approved", "true");
        }
        for (String group : groups) {
            b.child(Element.builder("group", NAMESPACE).text(group).build());
        }
        return b.build();
    }

    /** The push of a removed item. */
    static Element removal(String contact) {
        return Element.builder("item", NAMESPACE).attribute("jid", contact).attribute("subscription", "remove").build();
    }
}
