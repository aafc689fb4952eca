package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class SharedGroupsConfigCheckerTest {
    private final SharedGroupsConfigChecker checker = new SharedGroupsConfigChecker();

    @Test
    void aGroupWithoutItsColonIsRefusedWithTheReason() {
        assertEquals(List.of(new ConfigurationProblem("groups", "'Staff alice, bob' is not 'Name: member, member'")),
                checker.check(Map.of("groups", "Staff alice, bob")));
    }

    @Test
    void validGroupsAreAccepted() {
        assertEquals(List.of(), checker.check(Map.of("groups", "Staff: alice, bob; Lab 3: carol")));
    }
}
