package org.parley.tls.internal;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.GeneralName;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * The served XMPP domain as certificates name it: a DNS name (its IDNA A-label form in
 * subjectAltName dNSName) or an IP literal (subjectAltName iPAddress).
 *
 * @param name the domain as jxmpp normalizes it, used as the subject CN
 * @param dnsName the A-label form for dNSName entries; null for an IP literal
 * @param address the address of an IP literal domain; null for a DNS name
 */
record ServedDomain(String name, String dnsName, InetAddress address) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int SAN_DNS_NAME = 2;
    private static final int SAN_IP_ADDRESS = 7;

    /** Parses the {@code domain} configuration value. */
    static ServedDomain parse(String domain) throws InvalidConfigurationException {
        if (domain == null || domain.isBlank()) {
            throw new InvalidConfigurationException("domain", "no domain given");
        }
        String normalized;
        try {
            // The same preparation as every JID of the server (PRECIS when the jid bundle is active).
            normalized = JidCreate.domainBareFrom(domain.trim()).toString();
        } catch (XmppStringprepException e) {
            throw new InvalidConfigurationException("domain", "'" + domain + "' is not a valid XMPP domain: "
                    + e.getMessage());
        }
        if (IPV4.matcher(normalized).matches()
                || normalized.startsWith("[") && normalized.endsWith("]")) {
            String literal = normalized.startsWith("[") ? normalized.substring(1, normalized.length() - 1) : normalized;
            if (literal.isEmpty() || !literal.matches("[0-9A-Fa-f:.]+")) {
                throw new InvalidConfigurationException("domain", "'" + domain + "' is not a valid IP literal");
            }
            try {
                // A literal only: getByName does not look anything up for a numeric address.
                return new ServedDomain(normalized, null, InetAddress.getByName(literal));
            } catch (UnknownHostException e) {
                throw new InvalidConfigurationException("domain", "'" + domain + "' is not a valid IP literal");
            }
        }
        try {
            String ascii = IDN.toASCII(normalized, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            return new ServedDomain(normalized, ascii, null);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("domain", "'" + domain + "' is not a valid DNS name: "
                    + e.getMessage());
        }
    }

    /** The subjectAltName entries of a certificate for this domain: the name and its wildcard, or the address. */
    GeneralName[] subjectAltNames() {
        if (address != null) {
            return new GeneralName[] {new GeneralName(GeneralName.iPAddress, address.getHostAddress())};
        }
        return new GeneralName[] {
            new GeneralName(GeneralName.dNSName, dnsName),
            new GeneralName(GeneralName.dNSName, "*." + dnsName)
        };
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

    private static List<String> commonNames(X500Principal subject) {
        List<String> result = new ArrayList<>();
        for (RDN rdn : X500Name.getInstance(subject.getEncoded()).getRDNs(BCStyle.CN)) {
            result.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
        }
        return result;
    }

    @Override
    public String toString() {
        return name;
    }
}
