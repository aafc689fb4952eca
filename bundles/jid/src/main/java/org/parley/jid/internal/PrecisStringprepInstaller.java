package org.parley.jid.internal;

import org.jxmpp.JxmppContext;
import org.jxmpp.stringprep.XmppStringprep;
import org.jxmpp.stringprep.XmppStringprepException;
import org.jxmpp.stringprep.simple.SimpleXmppStringprep;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes RFC 7622 PRECIS the string preparation of every jxmpp JID parsed in the framework.
 *
 * <p>jxmpp's default ({@link SimpleXmppStringprep}) only lowercases. jxmpp holds the stringprep
 * in a static default context ({@link JxmppContext#setDefaultXmppStringprep}; jxmpp 1.1 has no
 * {@code XmppStringPrepUtil.setXmppStringprep}), so this component sets it on activation and
 * restores the simple one on deactivation, so that a stopped or replaced bundle's classes are
 * not kept reachable from jxmpp. Both transitions clear jxmpp's caches (see {@link JxmppCaches}).
 *
 * <p>The component also registers its stringprep as an {@link XmppStringprep} service with
 * {@code parley.stringprep=precis}. Components that must never parse a JID before PRECIS is in
 * place reference that service (target {@code (parley.stringprep=precis)}): DS then activates
 * them only after this component.
 */
@Component(immediate = true, service = XmppStringprep.class, property = PrecisStringprepInstaller.SERVICE_PROPERTY)
public final class PrecisStringprepInstaller implements XmppStringprep {
    /** The service property that identifies the installed PRECIS stringprep. */
    static final String SERVICE_PROPERTY = "parley.stringprep=precis";

    private static final Logger LOG = LoggerFactory.getLogger(PrecisStringprepInstaller.class);

    private final PrecisXmppStringprep precis = new PrecisXmppStringprep();

    @Activate
    void activate() {
        JxmppContext.setDefaultXmppStringprep(precis);
        int cleared = JxmppCaches.clearAll();
        LOG.info("jxmpp now prepares JIDs with {}; cleared {} jxmpp caches", precis, cleared);
    }

    @Deactivate
    void deactivate() {
        // Restore only our own installation: if something else has replaced it since, leave that alone.
        if (JxmppContext.getDefaultContext().xmppStringprep == precis) {
            JxmppContext.setDefaultXmppStringprep(SimpleXmppStringprep.getInstance());
        }
        int cleared = JxmppCaches.clearAll();
        LOG.info("PRECIS stringprep removed from jxmpp; cleared {} jxmpp caches", cleared);
    }

    @Override
    public String localprep(String string) throws XmppStringprepException {
        return precis.localprep(string);
    }

    @Override
    public String domainprep(String string) throws XmppStringprepException {
        return precis.domainprep(string);
    }

    @Override
    public String resourceprep(String string) throws XmppStringprepException {
        return precis.resourceprep(string);
    }
}
