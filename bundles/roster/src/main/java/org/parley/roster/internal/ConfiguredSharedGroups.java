package org.parley.roster.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.parley.api.roster.SharedGroup;
import org.parley.api.roster.SharedGroupSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared roster groups written in {@code etc/org.parley.roster.sharedgroups.cfg}. A change is
 * applied live; one that does not parse is refused whole, naming the key and the fault, and the
 * groups before it stay.
 */
@Component(configurationPid = SharedGroupsConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = SharedGroupSource.NAME + "=config")
public final class ConfiguredSharedGroups implements SharedGroupSource {
    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredSharedGroups.class);
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
    private volatile List<SharedGroup> groups = List.of();

    /** A configuration that cannot be applied; the message names the key. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(SharedGroupsConfig.PID + ": key 'groups': " + message);
        }
    }

    @Activate
    public ConfiguredSharedGroups(SharedGroupsConfig config) {
        modified(config);
    }

    @Modified
    void modified(SharedGroupsConfig config) {
        try {
            List<SharedGroup> parsed = parse(config.groups());
            if (!parsed.equals(groups)) {
                groups = parsed;
                LOG.info("Shared roster groups: {}", describe(parsed));
                watchers.forEach(Runnable::run);
            }
        } catch (Invalid e) {
            LOG.error("{}; keeping the previous shared groups ({})", e.getMessage(), describe(groups));
        }
    }

    private static String describe(List<SharedGroup> groups) {
        if (groups.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (SharedGroup g : groups) {
            parts.add("'" + g.name() + "' (" + g.members().size() + " members)");
        }
        return String.join(", ", parts);
    }

    /** Every definition of every value, in order; a group named twice is refused. */
    static List<SharedGroup> parse(String[] values) throws Invalid {
        Map<String, Set<String>> byName = new LinkedHashMap<>();
        for (String value : values == null ? new String[0] : values) {
            for (String definition : value.split(";")) {
                if (definition.isBlank()) {
                    continue;
                }
                int colon = definition.indexOf(':');
                if (colon < 0) {
                    throw new Invalid("'" + definition.strip() + "' is not 'Name: member, member'");
                }
                String name = definition.substring(0, colon).strip();
                if (name.isEmpty()) {
                    throw new Invalid("a group in '" + definition.strip() + "' has no name");
                }
                if (name.length() > Limits.COLUMN) {
                    throw new Invalid("the group name '" + name.substring(0, 20) + "...' is longer than " + Limits.COLUMN + " characters");
                }
                for (int i = 0; i < name.length(); i++) {
                    if (Character.isISOControl(name.charAt(i))) {
                        throw new Invalid("the group name '" + name + "' holds a control character");
                    }
                }
                if (byName.containsKey(name)) {
                    throw new Invalid("the group '" + name + "' is defined twice");
                }
                Set<String> members = new LinkedHashSet<>();
                for (String member : definition.substring(colon + 1).split(",")) {
                    String m = member.strip();
                    if (m.isEmpty()) {
                        continue;
                    }
                    if (m.indexOf('@') >= 0 || m.indexOf('/') >= 0 || m.indexOf(':') >= 0) {
                        throw new Invalid("group '" + name + "': '" + m + "' is not a username of this server");
                    }
                    try {
                        members.add(Localpart.from(m).toString());
                    } catch (XmppStringprepException e) {
                        throw new Invalid("group '" + name + "': '" + m + "' is not a valid username");
                    }
                }
                byName.put(name, members);
            }
        }
        List<SharedGroup> result = new ArrayList<>();
        byName.forEach((name, members) -> result.add(new SharedGroup(name, members)));
        return List.copyOf(result);
    }

    @Override
    public List<SharedGroup> groups() {
        return groups;
    }

    @Override
    public Watch watch(Runnable changed) {
        watchers.add(changed);
        return () -> watchers.remove(changed);
    }
}
