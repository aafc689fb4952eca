package org.parley.jid.internal;

import org.jxmpp.stringprep.XmppStringprep;
import org.jxmpp.stringprep.XmppStringprepException;
import org.jxmpp.stringprep.rocksxmppprecis.RocksXmppPrecisStringprep;

/**
 * RFC 7622 preparation: UsernameCaseMapped for the localpart, IDNA for the domainpart and
 * OpaqueString for the resourcepart, by jxmpp's rocks.xmpp precis adapter.
 *
 * <p>The adapter only converts {@code InvalidCodePointException}; precis signals other
 * violations (the Bidi rule, an empty result) with other {@link IllegalArgumentException}
 * subclasses, which would escape {@code JidCreate} unchecked. This wrapper turns every one of
 * them into the {@link XmppStringprepException} that jxmpp's callers handle.
 */
final class PrecisXmppStringprep implements XmppStringprep {
    private final XmppStringprep delegate = RocksXmppPrecisStringprep.INSTANCE;

    @Override
    public String localprep(String string) throws XmppStringprepException {
        try {
            return delegate.localprep(string);
        } catch (IllegalArgumentException e) {
            throw new XmppStringprepException(string, e);
        }
    }

    @Override
    public String domainprep(String string) throws XmppStringprepException {
        try {
            return delegate.domainprep(string);
        } catch (IllegalArgumentException e) {
            throw new XmppStringprepException(string, e);
        }
    }

    @Override
    public String resourceprep(String string) throws XmppStringprepException {
        try {
            return delegate.resourceprep(string);
        } catch (IllegalArgumentException e) {
            throw new XmppStringprepException(string, e);
        }
    }

    @Override
    public String toString() {
        return "PRECIS (RFC 7622, rocks.xmpp precis)";
    }
}
