package org.parley.tls.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import org.parley.api.server.Domain;

/**
 * The served XMPP domain as certificates name it: a DNS name (its IDNA A-label form in
 * subjectAltName dNSName) or an IP literal (subjectAltName iPAddress). What is a domain is decided
 * by the api's one parser, {@link Domain}, so this bundle accepts and refuses the same values as
 * every other; only the matching against certificates is this class's own.
 *
 * @param name the domain as jxmpp normalizes it, used as the subject CN
 * @param dnsName the A-label form for dNSName entries; null for an IP literal
 * @param address the address of an IP literal domain; null for a DNS name
 */
record ServedDomain(String name, String dnsName, InetAddress address) {
    private static final int SAN_DNS_NAME = 2;
    private static final int SAN_IP_ADDRESS = 7;
    private static final String COMMON_NAME = "2.5.4.3";

    /** Parses the {@code domain} value of PID {@code org.parley.server}. */
    static ServedDomain parse(String domain) throws InvalidConfigurationException {
        Domain parsed;
        try {
            parsed = Domain.parse(domain);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(InvalidConfigurationException.SERVER_PID, "domain", e.getMessage());
        }
        return new ServedDomain(parsed.toString(), parsed.asciiName(), parsed.address());
    }

    /** True when the certificate's subjectAltName names exactly this domain (no wildcard match). */
    boolean isNamedExactlyBy(X509Certificate certificate) {
        for (List<?> entry : subjectAltNames(certificate)) {
            if (matchesExactly(entry)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when a client verifying the certificate for this domain would accept the name (RFC 6125):
     * a subjectAltName dNSName, possibly a left-most wildcard, or iPAddress; the subject CN only when
     * there is no dNSName at all.
     */
    boolean isCoveredBy(X509Certificate certificate) {
        Collection<List<?>> names = subjectAltNames(certificate);
        boolean anyDnsName = false;
        for (List<?> entry : names) {
            if (matchesExactly(entry)) {
                return true;
            }
            if ((Integer) entry.get(0) == SAN_DNS_NAME) {
                anyDnsName = true;
                if (dnsName != null && matchesWildcard(((String) entry.get(1)).toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        if (anyDnsName || dnsName == null) {
            return false;
        }
        for (String cn : commonNames(certificate.getSubjectX500Principal())) {
            if (cn.equalsIgnoreCase(dnsName) || cn.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesExactly(List<?> entry) {
        int type = (Integer) entry.get(0);
        if (type == SAN_DNS_NAME && dnsName != null) {
            return dnsName.equalsIgnoreCase((String) entry.get(1));
        }
        if (type == SAN_IP_ADDRESS && address != null) {
            try {
                return address.equals(InetAddress.getByName((String) entry.get(1)));
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private boolean matchesWildcard(String pattern) {
        if (!pattern.startsWith("*.")) {
            return false;
        }
        int dot = dnsName.indexOf('.');
        return dot > 0 && dnsName.substring(dot + 1).equals(pattern.substring(2));
    }

    private static Collection<List<?>> subjectAltNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /**
     * The subject's commonName values, read from the DER of the Name (a SEQUENCE of RDNs, each a
     * SET of type-and-value pairs), not by parsing the text form of the DN. An unreadable name has none.
     */
    static List<String> commonNames(X500Principal subject) {
        List<String> result = new ArrayList<>();
        try {
            Der name = new Der(subject.getEncoded()).sequence();
            while (name.hasMore()) {
                Der rdn = new Der(name.next(0x31).contents());
                while (rdn.hasMore()) {
                    Der pair = new Der(rdn.next(0x30).contents());
                    String type = Der.oid(pair.next(0x06).contents());
                    Der.Element value = pair.next(-1);
                    String text = directoryString(value);
                    if (type.equals(COMMON_NAME) && text != null) {
                        result.add(text);
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return result;
    }

    /** A DirectoryString's text (RFC 5280: UTF8, Printable, Teletex, Universal or BMP string; IA5 too), or null. */
    private static String directoryString(Der.Element value) {
        return switch (value.tag()) {
            case 0x0c -> new String(value.contents(), StandardCharsets.UTF_8);
            case 0x13, 0x16 -> new String(value.contents(), StandardCharsets.US_ASCII);
            case 0x14 -> new String(value.contents(), StandardCharsets.ISO_8859_1);
            case 0x1e -> new String(value.contents(), StandardCharsets.UTF_16BE);
            case 0x1c -> new String(value.contents(), Charset.forName("UTF-32BE"));
            default -> null;
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
