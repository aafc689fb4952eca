package org.parley.session.internal;

import java.util.ArrayList;
import java.util.List;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslMechanism;
import org.parley.concurrent.RankedList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SASL mechanisms registered as services, strongest (highest ranking) first. */
final class Mechanisms {
    private static final Logger LOG = LoggerFactory.getLogger(Mechanisms.class);

    private final RankedList<SaslMechanism> mechanisms = new RankedList<>();

    void add(SaslMechanism mechanism, int ranking, long serviceId) {
        mechanisms.add(mechanism, ranking, serviceId);
    }

    void remove(SaslMechanism mechanism) {
        mechanisms.removeIf(m -> m == mechanism);
    }

    /** The names to offer on this connection, in order; a mechanism that fails to answer is left out and logged. */
    List<String> offered(SaslContext context) {
        List<String> names = new ArrayList<>(4);
        for (SaslMechanism m : mechanisms.values()) {
            if (isOffered(m, context) && !names.contains(m.name())) {
                names.add(m.name());
            }
        }
        return names;
    }

    /** The mechanism of that name offered on this connection, or null. */
    SaslMechanism find(String name, SaslContext context) {
        for (SaslMechanism m : mechanisms.values()) {
            if (m.name().equals(name) && isOffered(m, context)) {
                return m;
            }
        }
        return null;
    }

    boolean isEmpty() {
        return mechanisms.isEmpty();
    }

    private static boolean isOffered(SaslMechanism m, SaslContext context) {
        try {
            return m.isOffered(context);
        } catch (RuntimeException e) {
            LOG.error("SASL mechanism {} failed to say whether it is offered", m.getClass().getName(), e);
            return false;
        }
    }
}
