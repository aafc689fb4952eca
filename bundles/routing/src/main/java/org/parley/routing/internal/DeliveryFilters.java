package org.parley.routing.internal;

import org.parley.api.routing.DeliveryFilter;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.parley.concurrent.RankedList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-recipient {@link DeliveryFilter}s, run once for each session a stanza is delivered to,
 * after routing chose the recipients. A filter that throws is logged with its bundle; a policy
 * filter then withholds the stanza from that session (fail closed), another one is skipped.
 */
final class DeliveryFilters {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFilters.class);

    record Entry(DeliveryFilter filter, Registration registration, boolean policy) {
    }

    private final RankedList<Entry> filters = new RankedList<>();

    void add(DeliveryFilter filter, Registration registration, boolean policy) {
        filters.add(new Entry(filter, registration, policy), registration.ranking(), registration.serviceId());
    }

    void remove(DeliveryFilter filter) {
        filters.removeIf(e -> e.filter() == filter);
    }

    /** Delivers the stanza to the session, through the filters. */
    void deliver(Stanza stanza, Session recipient) {
        Stanza s = filter(stanza, recipient);
        if (s != null) {
            recipient.deliver(s);
        }
    }

    /** The stanza as the filters let it reach the session, or null when one withheld it. */
    Stanza filter(Stanza stanza, Session recipient) {
        Stanza s = stanza;
        for (Entry e : filters.values()) {
            try {
                s = e.filter().filter(s, recipient);
            } catch (RuntimeException ex) {
                LOG.error("Delivery filter {} of bundle {} failed on {} for {}", e.registration().name(),
                        e.registration().bundle(), stanza, recipient.jid(), ex);
                if (e.policy()) {
                    return null;
                }
                continue;
            }
            if (s == null) {
                return null;
            }
        }
        return s;
    }
}
