package org.parley.roster.internal;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;

/**
 * What each test client believes its roster is, as a real client keeps it: the roster result it got
 * at sign-in, with every push it received since applied in order. The property tests compare this
 * view with the stored roster, which is how a duplicate or a lost item would show to a user.
 */
final class ClientRosters {
    private final World world;
    private final Map<TestSession, Map<String, Element>> rosters = new HashMap<>();
    private final Map<TestSession, Integer> seenUpTo = new HashMap<>();

    ClientRosters(World world) {
        this.world = world;
    }

    /** Binds a resource, fetches its roster and sends initial presence, as a client signing in does. */
    TestSession signIn(String user, String resource) {
        TestSession s = world.bind(user, resource);
        Stanza result = world.rosterGet(s, null);
        Map<String, Element> roster = new LinkedHashMap<>();
        for (Element item : result.payload().elements()) {
            roster.put(item.attribute("jid"), item);
        }
        rosters.put(s, roster);
        seenUpTo.put(s, s.received.size());
        world.broadcast(s, null);
        return s;
    }

    void forget(TestSession s) {
        rosters.remove(s);
        seenUpTo.remove(s);
    }

    /** The client's roster now: the pushes it got since the last look applied, keyed by JID as a client keeps it. */
    Map<String, Element> view(TestSession s) {
        Map<String, Element> roster = rosters.get(s);
        List<Stanza> received = List.copyOf(s.received);
        for (Stanza x : received.subList(seenUpTo.get(s), received.size())) {
            if (x.isIq() && "set".equals(x.type())) {
                Element item = x.payload().firstElement();
                if ("remove".equals(item.attribute("subscription"))) {
                    roster.remove(item.attribute("jid"));
                } else {
                    roster.put(item.attribute("jid"), item);
                }
            }
        }
        seenUpTo.put(s, received.size());
        // The server lists items in contact order; a client keeps them by JID.
        return new TreeMap<>(roster);
    }
}
