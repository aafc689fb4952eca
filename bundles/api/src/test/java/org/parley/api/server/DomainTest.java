package org.parley.api.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DomainTest {
    @Test
    void aDnsNameIsLowercasedAndLosesItsTrailingDot() {
        Domain d = Domain.parse(" Chat.Example.EDU. ");
        assertEquals("chat.example.edu", d.toString());
        assertEquals("chat.example.edu", d.asciiName());
        assertNull(d.address());
    }

    @Test
    void anInternationalNameHasItsALabelForm() {
        assertEquals("xn--bcher-kva.example", Domain.parse("bücher.example").asciiName());
    }

    @Test
    void ipLiteralsAreAddresses() {
        assertEquals("127.0.0.1", Domain.parse("127.0.0.1").address().getHostAddress());
        assertNull(Domain.parse("[::1]").asciiName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "user@example.org", "example.org/res", "exa_mple.org", "-bad.example", "[zz::1]", "."})
    void whatIsNotADomainIsRefusedWithAReason(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Domain.parse(value));
        assertEquals(false, e.getMessage().isBlank());
    }
}
