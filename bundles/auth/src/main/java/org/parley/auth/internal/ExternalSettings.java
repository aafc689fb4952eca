package org.parley.auth.internal;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A checked {@link ExternalConfig}. An invalid value is reported with its key and the whole
 * previous configuration stays in force (a typo must not change who signs in as whom).
 *
 * @param sources the certificate names to try, in order
 * @param emailDomains lower-case A-label mail domains besides the served domain
 */
record ExternalSettings(boolean enabled, List<Source> sources, Set<String> emailDomains) {
    /** A kind of certificate name. */
    enum Source {
        XMPP_ADDR("xmppAddr"), EMAIL("email"), CN("cn");

        private final String key;

        Source(String key) {
            this.key = key;
        }

        static Source of(String value) {
            for (Source s : values()) {
                if (s.key.equalsIgnoreCase(value)) {
                    return s;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return key;
        }
    }

    static final ExternalSettings DEFAULTS = new ExternalSettings(true, List.of(Source.XMPP_ADDR, Source.EMAIL),
            Set.of());

    ExternalSettings {
        sources = List.copyOf(sources);
        emailDomains = Set.copyOf(emailDomains);
    }

    /** @return the settings, or null with the problems added (each naming its key) */
    static ExternalSettings from(ExternalConfig config, Map<String, ?> raw, List<String> problems) {
        int before = problems.size();
        List<Source> sources = new ArrayList<>();
        for (String value : split(config.identities())) {
            Source s = Source.of(value);
            if (s == null) {
                problems.add("key 'identities': '" + value + "' is none of xmppAddr, email, cn");
            } else if (!sources.contains(s)) {
                sources.add(s);
            }
        }
        if (sources.isEmpty() && problems.size() == before) {
            problems.add("key 'identities': empty; to stop offering EXTERNAL set enabled = false");
        }
        Set<String> domains = new LinkedHashSet<>();
        for (String value : split(config.emailDomains())) {
            try {
                String ascii = IDN.toASCII(value.endsWith(".") ? value.substring(0, value.length() - 1) : value,
                        IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
                if (ascii.isEmpty() || ascii.indexOf('.') < 0 && !ascii.equals("localhost")) {
                    throw new IllegalArgumentException("not a domain name");
                }
                domains.add(ascii);
            } catch (IllegalArgumentException e) {
                problems.add("key 'emailDomains': '" + value + "' is not a domain name");
            }
        }
        Object enabled = raw.get("enabled");
        if (enabled instanceof String s && !s.trim().equalsIgnoreCase("true") && !s.trim().equalsIgnoreCase("false")) {
            problems.add("key 'enabled': '" + s + "' is neither true nor false");
        }
        return problems.size() > before ? null : new ExternalSettings(config.enabled(), sources, domains);
    }

    /** A .cfg file gives a list as one string; take commas and spaces as separators either way. */
    private static List<String> split(String[] values) {
        List<String> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (String v : values) {
            for (String part : v.split("[,\\s]+")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }
}
