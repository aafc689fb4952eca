package org.parley.jid.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.JxmppContext;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprep;
import org.jxmpp.stringprep.XmppStringprepException;
import org.jxmpp.stringprep.simple.SimpleXmppStringprep;

class PrecisStringprepInstallerTest {
    /** "Ｊｕｌｉｅｔ" in full-width forms (U+FF2A U+FF55 ...). */
    private static final String FULL_WIDTH_JULIET = "\uFF2A\uFF55\uFF4C\uFF49\uFF45\uFF54";

    private final PrecisStringprepInstaller installer = new PrecisStringprepInstaller();

    @BeforeEach
    void install() {
        installer.activate();
    }

    @AfterEach
    void uninstall() {
        installer.deactivate();
        // Leave jxmpp as found even if a test replaced the stringprep itself.
        JxmppContext.setDefaultXmppStringprep(SimpleXmppStringprep.getInstance());
    }

    @Test
    void localpartAndDomainAreCaseFoldedAndResourceKeepsItsCase() throws Exception {
        Jid jid = JidCreate.from("Juliet@Example.COM/Balcony");

        assertEquals("juliet", jid.getLocalpartOrNull().toString());
        assertEquals("example.com", jid.getDomain().toString());
        assertEquals("Balcony", jid.getResourceOrNull().toString());
    }

    @Test
    void localpartWithSpaceIsRejected() {
        assertThrows(XmppStringprepException.class, () -> JidCreate.from("jul iet@example.com"));
    }

    @Test
    void localpartWithNulIsRejected() {
        assertThrows(XmppStringprepException.class, () -> JidCreate.from("jul\u0000iet@example.com"));
    }

    @Test
    void localpartWithUnassignedCodePointIsRejected() {
        // U+0378 is unassigned in every Unicode version so far: PRECIS disallows it.
        assertThrows(XmppStringprepException.class, () -> JidCreate.from("jul\u0378iet@example.com"));
    }

    @Test
    void localpartWithCompatibilityCharacterIsRejected() {
        // ROMAN NUMERAL FOUR has a compatibility decomposition; IdentifierClass disallows it.
        assertThrows(XmppStringprepException.class, () -> JidCreate.from("\u2163@example.com"));
    }

    @Test
    void bidiRuleViolationIsACheckedStringprepException() {
        // Hebrew followed by Latin breaks the Bidi rule; precis throws InvalidDirectionalityException,
        // which jxmpp's adapter would let escape unchecked.
        assertThrows(XmppStringprepException.class, () -> JidCreate.from("\u05D0a@example.com"));
    }

    @Test
    void fullWidthLocalpartIsMappedToItsNarrowLowercaseForm() throws Exception {
        Jid jid = JidCreate.from(FULL_WIDTH_JULIET + "@example.com");

        assertEquals("juliet", jid.getLocalpartOrNull().toString());
    }

    @Test
    void preparationCachedBeforeActivationIsNotReused() throws Exception {
        installer.deactivate();
        // With the simple stringprep a full-width localpart is only lowercased, and jxmpp caches that.
        assertEquals("\uFF4A\uFF55\uFF4C\uFF49\uFF45\uFF54",
                JidCreate.from(FULL_WIDTH_JULIET + "@example.com").getLocalpartOrNull().toString());

        installer.activate();

        assertEquals("juliet", JidCreate.from(FULL_WIDTH_JULIET + "@example.com").getLocalpartOrNull().toString());
    }

    @Test
    void deactivationRestoresTheSimpleStringprepAndForgetsPreciseResults() throws Exception {
        assertEquals("juliet", JidCreate.from(FULL_WIDTH_JULIET + "@example.com").getLocalpartOrNull().toString());

        installer.deactivate();

        assertSame(SimpleXmppStringprep.getInstance(), JxmppContext.getDefaultContext().xmppStringprep);
        assertEquals("\uFF4A\uFF55\uFF4C\uFF49\uFF45\uFF54",
                JidCreate.from(FULL_WIDTH_JULIET + "@example.com").getLocalpartOrNull().toString());
    }

    @Test
    void deactivationLeavesAStringprepInstalledByOthersInPlace() throws Exception {
        XmppStringprep other = SimpleXmppStringprep.getInstance();
        XmppStringprep replacement = new XmppStringprep() {
            @Override
            public String localprep(String string) throws XmppStringprepException {
                return other.localprep(string);
            }

            @Override
            public String domainprep(String string) throws XmppStringprepException {
                return other.domainprep(string);
            }

            @Override
            public String resourceprep(String string) throws XmppStringprepException {
                return other.resourceprep(string);
            }
        };
        JxmppContext.setDefaultXmppStringprep(replacement);

        installer.deactivate();

        assertSame(replacement, JxmppContext.getDefaultContext().xmppStringprep);
    }

    @Test
    void theRegisteredServiceAppliesTheSamePreparation() throws Exception {
        assertEquals("juliet", installer.localprep(FULL_WIDTH_JULIET));
        assertEquals("example.com", installer.domainprep("Example.COM"));
        assertEquals("Balcony", installer.resourceprep("Balcony"));
    }
}
