package org.parley.api.server;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * The served XMPP domain, parsed from the {@code domain} key of configuration PID
 * {@code org.parley.server}. This is the one parser of that value: every bundle that reads the
 * domain parses it here, so they all accept and refuse the same values.
 *
 * <p>A domain is a DNS name whose labels are letters, digits and hyphens once IDNA-encoded (RFC
 * 5890, STD3 rules), or an IP literal (a dotted IPv4 address, or an IPv6 address in brackets).
 * One trailing dot is dropped. Characters that jxmpp would read as JID separators ({@code @},
 * {@code /}) and white space are refused rather than silently cut off. The JID form is what
 * jxmpp prepares it to (RFC 7622, lowercased).
 */
public final class Domain {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final DomainBareJid jid;
    private final String asciiName;
    private final InetAddress address;

    private Domain(DomainBareJid jid, String asciiName, InetAddress address) {
        this.jid = jid;
        this.asciiName = asciiName;
        this.address = address;
    }

    /**
     * Parses a configured domain.
     *
     * @throws IllegalArgumentException saying why the value is not a domain (the caller names the key)
     */
    public static Domain parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("no domain given");
        }
        String trimmed = value.trim();
        if (trimmed.chars().anyMatch(c -> c == '@' || c == '/' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("'" + value + "' is not a domain: it contains '@', '/' or white space");
        }
        String name = trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        if (name.isEmpty()) {
            throw new IllegalArgumentException("'" + value + "' is not a domain");
        }
        DomainBareJid jid;
        try {
            jid = JidCreate.domainBareFrom(name);
        } catch (XmppStringprepException | IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid XMPP domain: " + e.getMessage(), e);
        }
        String prepared = jid.toString();
        if (IPV4.matcher(prepared).matches() || prepared.startsWith("[") && prepared.endsWith("]")) {
            String literal = prepared.startsWith("[") ? prepared.substring(1, prepared.length() - 1) : prepared;
            if (literal.isEmpty() || !literal.matches("[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("'" + value + "' is not a valid IP literal");
            }
            try {
                // numeric only: getByName looks nothing up for a literal
                return new Domain(jid, null, InetAddress.getByName(literal));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + value + "' is not a valid IP literal", e);
            }
        }
        try {
            String ascii = IDN.toASCII(prepared, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            return new Domain(jid, ascii, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid DNS name: " + e.getMessage(), e);
        }
    }

    /** The domain as a JID, as addresses on the wire are compared with it. */
    public DomainBareJid jid() {
        return jid;
    }

    /** The IDNA A-label form (for certificates' dNSName), or null for an IP literal. */
    public String asciiName() {
        return asciiName;
    }

    /** The address of an IP literal domain, or null for a DNS name. */
    public InetAddress address() {
        return address;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Domain d && jid.equals(d.jid);
    }

    @Override
    public int hashCode() {
        return Objects.hash(jid);
    }

    /** The domain as jxmpp prepares it. */
    @Override
    public String toString() {
        return jid.toString();
    }
}
