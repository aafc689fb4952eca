package org.parley.components.internal;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * The checked configuration. Every refusal names the key, so the operator sees which line of
 * etc/org.parley.components.cfg to fix; the listener keeps its previous settings meanwhile.
 *
 * @param secrets by component domain: the value as configured, sealed ({@link SecretSeal#isSealed})
 *     or, until the listener seals it, the plain secret
 */
record ComponentSettings(String bindAddress, int port, int tlsPort, int maxStanzaBytes, int maxStanzasPerSecond,
        int holdSeconds, int maxHeldStanzas, int refusalLogIntervalSeconds, Map<DomainBareJid, String> secrets) {
    static final String COMPONENT_PREFIX = "secret.";
    /** DNS-style labels (letters of any script, digits, hyphens) joined by dots. */
    private static final java.util.regex.Pattern DOMAIN_SYNTAX = java.util.regex.Pattern.compile("[\\p{L}\\p{N}-]+(\\.[\\p{L}\\p{N}-]+)*");

    ComponentSettings {
        secrets = Collections.unmodifiableMap(new TreeMap<>(secrets));
    }

    static ComponentSettings from(ComponentsConfig c, Map<String, ?> properties) {
        if (c.bindAddress() == null || c.bindAddress().isBlank()) {
            throw new IllegalArgumentException("key 'bindAddress': must not be empty");
        }
        port("port", c.port());
        port("tlsPort", c.tlsPort());
        if (c.port() != 0 && c.port() == c.tlsPort()) {
            throw new IllegalArgumentException("key 'tlsPort': " + c.tlsPort() + " is already 'port'");
        }
        atLeast("maxStanzaBytes", c.maxStanzaBytes(), 1024);
        atLeast("maxStanzasPerSecond", c.maxStanzasPerSecond(), 1);
        atLeast("holdSeconds", c.holdSeconds(), 0);
        atLeast("maxHeldStanzas", c.maxHeldStanzas(), 0);
        atLeast("refusalLogIntervalSeconds", c.refusalLogIntervalSeconds(), 1);
        Map<DomainBareJid, String> secrets = new TreeMap<>();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (!e.getKey().startsWith(COMPONENT_PREFIX)) {
                continue;
            }
            String key = e.getKey();
            String domainText = key.substring(COMPONENT_PREFIX.length());
            if (!DOMAIN_SYNTAX.matcher(domainText).matches()) {
                throw new IllegalArgumentException("key '" + key + "': '" + domainText + "' is not a domain");
            }
            DomainBareJid domain;
            try {
                domain = JidCreate.domainBareFrom(domainText);
            } catch (XmppStringprepException | IllegalArgumentException ex) {
                throw new IllegalArgumentException("key '" + key + "': '" + domainText + "' is not a domain");
            }
            if (domainText.isEmpty() || !domain.toString().equals(domainText.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("key '" + key + "': '" + domainText + "' is not a domain");
            }
            String secret = e.getValue() == null ? "" : e.getValue().toString().trim();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("key '" + key + "': the secret must not be empty");
            }
            if (secrets.put(domain, secret) != null) {
                throw new IllegalArgumentException("key '" + key + "': " + domain + " is configured twice");
            }
        }
        return new ComponentSettings(c.bindAddress().trim(), c.port(), c.tlsPort(), c.maxStanzaBytes(),
                c.maxStanzasPerSecond(), c.holdSeconds(), c.maxHeldStanzas(), c.refusalLogIntervalSeconds(), secrets);
    }

    /** True when the sockets must be opened again (a changed address or port). */
    boolean listensDifferentlyFrom(ComponentSettings other) {
        return other == null || !bindAddress.equals(other.bindAddress) || port != other.port || tlsPort != other.tlsPort
                || secrets.isEmpty() != other.secrets.isEmpty();
    }

    private static void port(String key, int value) {
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException("key '" + key + "': " + value + " is not a TCP port (0 disables it)");
        }
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("key '" + key + "': " + value + " is below " + min);
        }
    }
}
