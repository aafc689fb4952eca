package org.parley.register.internal;

import org.parley.net.Networks;
/**
 * The registration configuration, checked: a value out of range is refused with the key's name,
 * so that the caller keeps the settings in force.
 */
record RegisterSettings(boolean accountCreation, Networks allowNetworks, int maxPerAddress, int windowSeconds,
        boolean passwordChange, boolean endOtherSessions, boolean cancellation) {

    static final RegisterSettings DEFAULTS = new RegisterSettings(false, Networks.NONE, 3, 3600, true, false, true);

    /** @throws IllegalArgumentException naming the first bad key and its value */
    static RegisterSettings from(RegisterConfig config) {
        Networks networks;
        try {
            networks = Networks.parse(config.allowNetworks());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key 'allowNetworks': " + e.getMessage(), e);
        }
        return new RegisterSettings(config.accountCreation(), networks,
                range("maxPerAddress", config.maxPerAddress(), 1, 100_000),
                range("windowSeconds", config.windowSeconds(), 1, 2_592_000),
                config.passwordChange(), config.endOtherSessions(), config.cancellation());
    }

    private static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("key '" + key + "': " + value + " is not between " + min + " and " + max);
        }
        return value;
    }

    /** One line for the log when the settings change. */
    String describe() {
        return "account creation " + (accountCreation ? "on (networks " + (allowNetworks.isEmpty() ? "all" : allowNetworks)
                + ", " + maxPerAddress + " per address in " + windowSeconds + " s)" : "off")
                + ", password change " + (passwordChange ? "on" + (endOtherSessions ? " (ends other sessions)" : "") : "off")
                + ", cancellation " + (cancellation ? "on" : "off");
    }
}
