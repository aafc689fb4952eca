package org.parley.admin.internal;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;

/** {@link AdminConfig} checked: a value that cannot be used is refused with its key and the reason. */
record AdminSettings(Set<String> admins, Duration sessionIdle, Duration sessionMax, int failuresPerAddress,
        int failuresPerAccount, Duration throttleWindow, boolean allowThirdPartyBundles, int maxUploadBytes) {

    static AdminSettings of(AdminConfig config, String domain) throws InvalidSettingException {
        Set<String> admins = new LinkedHashSet<>();
        for (String entry : config.admins() == null ? new String[0] : config.admins().split("[,\\s]+")) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            admins.add(adminLocalpart(entry.trim(), domain));
        }
        return new AdminSettings(Set.copyOf(admins),
                Duration.ofSeconds(range("sessionIdleSeconds", config.sessionIdleSeconds(), 10, 86_400)),
                Duration.ofSeconds(range("sessionMaxSeconds", config.sessionMaxSeconds(), 60, 604_800)),
                range("failuresPerAddress", config.failuresPerAddress(), 1, 10_000),
                range("failuresPerAccount", config.failuresPerAccount(), 1, 10_000),
                Duration.ofSeconds(range("throttleSeconds", config.throttleSeconds(), 1, 86_400)),
                config.allowThirdPartyBundles(),
                range("maxUploadBytes", config.maxUploadBytes(), 1024, 1 << 30));
    }

    boolean isAdmin(String localpart) {
        return admins.contains(localpart);
    }

    private static String adminLocalpart(String entry, String domain) throws InvalidSettingException {
        try {
            if (entry.indexOf('@') >= 0) {
                EntityBareJid jid = JidCreate.entityBareFrom(entry);
                if (!jid.getDomain().toString().equals(domain)) {
                    throw new InvalidSettingException("admins", "'" + entry + "' is not an account of the served domain " + domain);
                }
                return jid.getLocalpart().toString();
            }
            return Localpart.from(entry).toString();
        } catch (XmppStringprepException e) {
            throw new InvalidSettingException("admins", "'" + entry + "' is not a valid account name");
        }
    }

    private static int range(String key, int value, int min, int max) throws InvalidSettingException {
        if (value < min || value > max) {
            throw new InvalidSettingException(key, "must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /** A configuration value that cannot be used. */
    static final class InvalidSettingException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidSettingException(String key, String reason) {
            super(AdminConfig.PID + ": key '" + key + "' " + reason);
        }
    }
}
