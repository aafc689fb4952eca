package org.parley.ldap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class LdapConfigCheckerTest {
    private final LdapConfigChecker checker = new LdapConfigChecker((java.nio.file.Path) null);

    @Test
    void aMalformedUrlIsRefusedWithTheKeyAndTheReason() {
        assertEquals(List.of(new ConfigurationProblem("urls", "'ldpa://dir.example.edu': the scheme must be ldap or ldaps")),
                checker.check(Map.of("urls", "ldpa://dir.example.edu", "baseDn", "dc=example,dc=edu")));
    }

    @Test
    void everyProblemIsGivenTheDirectorysAndTheGroups() {
        List<ConfigurationProblem> problems = checker.check(Map.of("urls", "ldap://dir.example.edu", "baseDn", "not a dn",
                "groupBaseDn", "neither"));
        assertEquals(List.of("baseDn", "groupBaseDn"), problems.stream().map(ConfigurationProblem::key).toList(), problems::toString);
        assertTrue(problems.get(0).reason().contains("is not a DN"), problems::toString);
    }

    @Test
    void validValuesAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of()), "no directory configured is valid");
        assertEquals(List.of(), checker.check(Map.of("urls", "ldaps://dir.example.edu:636, ldap://backup.example.edu",
                "baseDn", "ou=people,dc=example,dc=edu")));
    }
}
