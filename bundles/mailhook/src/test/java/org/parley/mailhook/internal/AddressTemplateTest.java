package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

class AddressTemplateTest {
    @Test
    void localpartAndDomainAreReplaced() throws Exception {
        AddressTemplate t = AddressTemplate.parse("{localpart}@mail.{domain}");
        assertEquals(Optional.of("alice@mail.example.edu"), t.address(JidCreate.entityBareFrom("alice@example.edu")));
    }

    @Test
    void aFixedMailDomainIsKept() throws Exception {
        AddressTemplate t = AddressTemplate.parse("{localpart}@example.edu");
        assertEquals(Optional.of("bob@example.edu"), t.address(JidCreate.entityBareFrom("bob@xmpp.example.edu")));
    }

    @Test
    void aLocalpartThatIsNoMailAddressGivesNone() throws Exception {
        AddressTemplate t = AddressTemplate.parse("{localpart}@example.edu");
        assertTrue(t.address(JidCreate.entityBareFrom("a\\20b(c)@example.edu")).isEmpty(), "a space and parentheses make no address");
    }

    @Test
    void anUnknownPlaceholderIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressTemplate.parse("{user}@example.edu"));
        assertTrue(e.getMessage().contains("{user}"), e.getMessage());
    }

    @Test
    void anUnclosedBraceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> AddressTemplate.parse("{localpart@example.edu"));
        assertThrows(IllegalArgumentException.class, () -> AddressTemplate.parse("localpart}@example.edu"));
    }

    @Test
    void aTemplateWithoutTheLocalpartIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressTemplate.parse("postmaster@{domain}"));
        assertTrue(e.getMessage().contains("{localpart}"), e.getMessage());
    }

    @Test
    void aTemplateThatGivesNoAddressIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> AddressTemplate.parse("{localpart}"));
        assertThrows(IllegalArgumentException.class, () -> AddressTemplate.parse("{localpart}@@example.edu"));
        assertThrows(IllegalArgumentException.class, () -> AddressTemplate.parse(" "));
    }
}
