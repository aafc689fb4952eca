package org.parley.roster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Shared roster groups the operator defines (PID org.parley.roster.sharedgroups). */
@ObjectClassDefinition(pid = SharedGroupsConfig.PID, name = "Parley shared roster groups",
        description = "Groups whose members see each other in their rosters, with presence both ways and no subscription requests")
public @interface SharedGroupsConfig {
    String PID = "org.parley.roster.sharedgroups";

    @AttributeDefinition(description = "Groups as 'Name: member, member', several separated by ';' "
            + "(for example 'Staff: alice, bob; Lab 3: carol, dave'). Members are usernames of this server; "
            + "a name holds no ':' or ';'. Empty: no shared groups")
    String[] groups() default {};
}
