package org.parley.api.stanza;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.jxmpp.JxmppContext;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprep;
import org.jxmpp.stringprep.XmppStringprepException;
import org.jxmpp.stringprep.simple.SimpleXmppStringprep;

class JidCacheTest {

    @Test
    void anAddressSeenAgainIsTheSameParsedJid() throws Exception {
        Jid first = JidCache.parse("juliet@capulet.example/balcony");
        assertEquals(JidCreate.from("juliet@capulet.example/balcony"), first);
        assertSame(first, JidCache.parse("juliet@capulet.example/balcony"));
        assertEquals(JidCreate.from("romeo@montague.example"), JidCache.parse("romeo@montague.example"));
    }

    @Test
    void moreAddressesThanSlotsAreEachParsedRight() throws Exception {
        for (int i = 0; i < 10_000; i++) {
            assertEquals("user" + i + "@load.test/r" + (i % 7), JidCache.parse("user" + i + "@load.test/r" + (i % 7)).toString());
        }
        for (int i = 9_999; i >= 0; i -= 13) {
            assertEquals("user" + i + "@load.test", JidCache.parse("user" + i + "@load.test").asBareJid().toString());
        }
    }

    @Test
    void anotherStringprepDoesNotReuseWhatTheFirstPrepared() throws Exception {
        XmppStringprep before = JxmppContext.getDefaultContext().xmppStringprep;
        Jid underBefore = JidCache.parse("nurse@capulet.example");
        XmppStringprep other = before == SimpleXmppStringprep.getInstance() ? new Lowercasing() : SimpleXmppStringprep.getInstance();
        try {
            JxmppContext.setDefaultXmppStringprep(other);
            assertNotSame(underBefore, JidCache.parse("nurse@capulet.example"));
        } finally {
            JxmppContext.setDefaultXmppStringprep(before);
        }
    }

    @Test
    void aMalformedAddressIsStillRefused() {
        assertThrows(XmppStringprepException.class, () -> JidCache.parse("a<b@example.com"));
        StanzaException e = assertThrows(StanzaException.class,
                () -> Stanza.of(Element.builder("message", Namespaces.CLIENT).attribute("to", "a<b@example.com").build()));
        assertEquals(StanzaErrorCondition.JID_MALFORMED, e.condition());
    }

    /** A stringprep other than the default, so the cache must tell them apart. */
    private static final class Lowercasing implements XmppStringprep {
        @Override
        public String localprep(String string) throws XmppStringprepException {
            return SimpleXmppStringprep.getInstance().localprep(string);
        }

        @Override
        public String domainprep(String string) throws XmppStringprepException {
            return SimpleXmppStringprep.getInstance().domainprep(string);
        }

        @Override
        public String resourceprep(String string) throws XmppStringprepException {
            return SimpleXmppStringprep.getInstance().resourceprep(string);
        }
    }
}
