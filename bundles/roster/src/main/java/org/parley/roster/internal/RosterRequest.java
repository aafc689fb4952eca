package org.parley.roster.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * A roster set, checked (RFC 6121 sections 2.3.3 and 2.5.3) before anything is stored: exactly
 * one item, a valid JID, no subscription attribute but "remove", a name and groups within the
 * configured limits, no group twice.
 *
 * @param name null when the item has none
 */
record RosterRequest(Jid contact, String name, List<String> groups, boolean remove) {

    static RosterRequest parse(Element query, Limits limits) {
        List<Element> items = new ArrayList<>();
        for (Element e : query.elements()) {
            if (e.is("item", RosterItem.NAMESPACE)) {
                items.add(e);
            }
        }
        if (items.size() != 1) {
            throw new RosterRefusal(StanzaErrorCondition.BAD_REQUEST, "a roster set carries exactly one item, not " + items.size());
        }
        Element item = items.get(0);
        String jid = item.attribute("jid");
        if (jid == null) {
            throw new RosterRefusal(StanzaErrorCondition.BAD_REQUEST, "the item has no jid");
        }
        Jid contact;
        try {
            contact = JidCreate.from(jid);
        } catch (XmppStringprepException | IllegalArgumentException e) {
            throw new RosterRefusal(StanzaErrorCondition.JID_MALFORMED, "'" + jid + "' is not a valid JID");
        }
        String subscription = item.attribute("subscription");
        if ("remove".equals(subscription)) {
            return new RosterRequest(contact, null, List.of(), true);
        }
        // Only the server sets a subscription. Clients (Smack among them) send "none" with every
        // item they add, which asks for nothing, so it is taken as absent; any other value is refused.
        if (subscription != null && !"none".equals(subscription)) {
            throw new RosterRefusal(StanzaErrorCondition.BAD_REQUEST, "a client sets no subscription but 'remove'");
        }
        String name = item.attribute("name");
        if (name != null && name.length() > limits.maxNameLength()) {
            throw new RosterRefusal(StanzaErrorCondition.NOT_ACCEPTABLE, "a name has at most " + limits.maxNameLength() + " characters");
        }
        List<String> groups = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Element g : item.elements()) {
            if (!g.is("group", RosterItem.NAMESPACE)) {
                continue;
            }
            String group = g.text();
            if (group.isEmpty()) {
                throw new RosterRefusal(StanzaErrorCondition.NOT_ACCEPTABLE, "a group name is empty");
            }
            if (group.length() > limits.maxGroupLength()) {
                throw new RosterRefusal(StanzaErrorCondition.NOT_ACCEPTABLE,
                        "a group name has at most " + limits.maxGroupLength() + " characters");
            }
            if (!seen.add(group)) {
                throw new RosterRefusal(StanzaErrorCondition.BAD_REQUEST, "the group '" + group + "' is named twice");
            }
            groups.add(group);
        }
        if (groups.size() > limits.maxGroupsPerItem()) {
            throw new RosterRefusal(StanzaErrorCondition.NOT_ACCEPTABLE, "an item is in at most " + limits.maxGroupsPerItem() + " groups");
        }
        return new RosterRequest(contact, name == null || name.isEmpty() ? null : name, groups, false);
    }
}
