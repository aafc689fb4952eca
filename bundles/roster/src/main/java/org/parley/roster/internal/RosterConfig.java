package org.parley.roster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of rosters and subscriptions (PID org.parley.roster). */
@ObjectClassDefinition(pid = RosterConfig.PID, name = "Parley rosters",
        description = "Roster limits and the subscription approval policy (RFC 6121)")
public @interface RosterConfig {
    String PID = "org.parley.roster";

    // min and max as Limits checks them: the admin console validates a change against them before writing it.
    @AttributeDefinition(min = "1", description = "Items a user's roster may hold; adding one more is refused with resource-constraint")
    int maxItems() default 1000;

    @AttributeDefinition(min = "1", max = "1023", description = "Characters of an item's name, at most 1023; a longer one is refused with not-acceptable")
    int maxNameLength() default 1023;

    @AttributeDefinition(min = "1", max = "1023", description = "Characters of a group name, at most 1023; a longer one is refused with not-acceptable")
    int maxGroupLength() default 1023;

    @AttributeDefinition(min = "0", max = "10000", description = "Groups one item may be in; more are refused with not-acceptable")
    int maxGroupsPerItem() default 64;

    @AttributeDefinition(description = "Approve every subscription request on the user's behalf. Off by default: "
            + "users approve who sees their presence")
    boolean autoApprove() default false;

    @AttributeDefinition(min = "1", max = "10000", description = "Privacy lists (XEP-0016) an account may keep; one more is refused with resource-constraint")
    int maxPrivacyLists() default 50;

    @AttributeDefinition(min = "1", max = "100000", description = "Items of one privacy list (block list included); more are refused with not-acceptable")
    int maxPrivacyItems() default 1000;
}
