package org.parley.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import org.apache.directory.api.ldap.model.filter.AndNode;
import org.apache.directory.api.ldap.model.filter.EqualityNode;
import org.apache.directory.api.ldap.model.filter.ExprNode;
import org.apache.directory.api.ldap.model.filter.FilterParser;
import org.junit.jupiter.api.Test;

class LdapFiltersTest {
    @Test
    void theFiveSpecialCharactersAreEscapedAsRfc4515Says() {
        assertEquals("\\2a\\29\\28uid=\\2a", LdapFilters.escapeValue("*)(uid=*"));
        assertEquals("a\\5cb\\00c", LdapFilters.escapeValue("a\\b\0c"));
        assertEquals("jürgen.o'neil", LdapFilters.escapeValue("jürgen.o'neil"));
    }

    @Test
    void anInjectedNameStaysOneEqualityAssertionWithTheLiteralValue() throws Exception {
        LdapSettings settings = LdapSettings.parse(new TestConfig().set("urls", new String[] {"ldap://x"}).set("startTls", false)
                .set("baseDn", "dc=example,dc=org").set("userFilter", "(&(objectClass=inetOrgPerson)(mail=*))").build(),
                Path.of(".")).settings();
        ExprNode parsed = FilterParser.parse(LdapFilters.userFilter(settings, "*)(uid=*"));
        AndNode and = assertInstanceOf(AndNode.class, parsed);
        assertEquals(2, and.getChildren().size(), "the operator's filter and one assertion: " + parsed);
        EqualityNode<?> equality = assertInstanceOf(EqualityNode.class, and.getChildren().get(1));
        assertEquals("uid", equality.getAttribute());
        assertEquals("*)(uid=*", equality.getValue().getString());
    }
}
