package org.parley.auth.internal;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;

/**
 * The names a client certificate carries, read from its ASN.1 structure (never by matching the
 * text of a subject DN, which a crafted subject such as {@code CN=eve\,CN=alice} could fool):
 * the subjectAltName's xmppAddr otherNames (RFC 6120 section 13.7.1.4) and rfc822Names, the
 * subject's emailAddress attributes (PKCS #9) and its commonName attributes.
 */
record CertificateNames(List<String> xmppAddrs, List<String> emails, List<String> commonNames) {
    /** id-on-xmppAddr. */
    static final ASN1ObjectIdentifier XMPP_ADDR = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.5");

    CertificateNames {
        xmppAddrs = List.copyOf(xmppAddrs);
        emails = List.copyOf(emails);
        commonNames = List.copyOf(commonNames);
    }

    /**
     * @throws IllegalArgumentException when the certificate's structure cannot be read (a
     *     malformed extension); such a certificate names nobody
     */
    static CertificateNames of(X509Certificate certificate) {
        List<String> xmpp = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        List<String> cns = new ArrayList<>();
        try {
            Certificate parsed = Certificate.getInstance(certificate.getEncoded());
            Extensions extensions = parsed.getTBSCertificate().getExtensions();
            GeneralNames alternatives = extensions == null ? null
                    : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            if (alternatives != null) {
                for (GeneralName name : alternatives.getNames()) {
                    if (name.getTagNo() == GeneralName.otherName) {
                        OtherName other = OtherName.getInstance(name.getName());
                        if (XMPP_ADDR.equals(other.getTypeID())) {
                            String value = string(other.getValue());
                            if (value != null) {
                                xmpp.add(value);
                            }
                        }
                    } else if (name.getTagNo() == GeneralName.rfc822Name) {
                        emails.add(((ASN1String) name.getName()).getString());
                    }
                }
            }
            X500Name subject = parsed.getSubject();
            for (RDN rdn : subject.getRDNs()) {
                for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                    String value = string(attribute.getValue());
                    if (value == null) {
                        continue;
                    }
                    if (BCStyle.EmailAddress.equals(attribute.getType())) {
                        emails.add(value);
                    } else if (BCStyle.CN.equals(attribute.getType())) {
                        cns.add(value);
                    }
                }
            }
        } catch (CertificateEncodingException | RuntimeException e) {
            throw new IllegalArgumentException("the client certificate's names cannot be read: " + e.getMessage(), e);
        }
        return new CertificateNames(xmpp, emails, cns);
    }

    /** A string value, unwrapping an explicit tag (the otherName value is {@code [0] EXPLICIT UTF8String}). */
    private static String string(ASN1Encodable value) {
        ASN1Encodable v = value;
        while (v instanceof ASN1TaggedObject tagged) {
            v = tagged.getExplicitBaseObject();
        }
        return v instanceof ASN1String s ? s.getString() : null;
    }
}
