package org.parley.tls.internal;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The certificate authorities trusted for client certificates (SASL EXTERNAL, XEP-0178), and the
 * check of a client's chain against them: PKIX path validation to one of the configured CAs at
 * this moment, and a client certificate whose extended key usage, if it has one, allows client
 * authentication. No revocation checking (CRL or OCSP): the operator revokes access by disabling
 * the account or removing the CA.
 */
final class ClientCertificates {
    /** id-kp-clientAuth (RFC 5280 section 4.2.1.12). */
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    /** No client certificates asked for. */
    static final ClientCertificates NONE = new ClientCertificates(null, List.of(), false, Clock.systemUTC());

    private final Path file;
    private final List<X509Certificate> authorities;
    private final Set<TrustAnchor> anchors;
    private final boolean required;
    private final Clock clock;

    private ClientCertificates(Path file, List<X509Certificate> authorities, boolean required, Clock clock) {
        this.file = file;
        this.authorities = List.copyOf(authorities);
        Set<TrustAnchor> a = new HashSet<>();
        for (X509Certificate ca : authorities) {
            a.add(new TrustAnchor(ca, null));
        }
        this.anchors = Set.copyOf(a);
        this.required = required;
        this.clock = clock;
    }

    /**
     * Reads the CA file.
     *
     * @param file PEM certificates of the authorities, or null for none
     * @throws KeyMaterialException if the file cannot be read or holds a certificate that is no CA
     */
    static ClientCertificates load(Path file, boolean required, Clock clock) throws KeyMaterialException {
        if (file == null) {
            return required ? new ClientCertificates(null, List.of(), true, clock) : NONE;
        }
        List<X509Certificate> authorities = Pem.readCertificates(file);
        for (X509Certificate ca : authorities) {
            if (ca.getBasicConstraints() < 0) {
                throw new KeyMaterialException(file, "holds " + ca.getSubjectX500Principal().getName()
                        + ", which is not a certificate authority (no basicConstraints CA:TRUE)");
            }
        }
        return new ClientCertificates(file, authorities, required, clock);
    }

    /** Whether the handshake asks the client for a certificate. */
    boolean asked() {
        return !authorities.isEmpty() || required;
    }

    /** Whether the handshake fails without a trusted client certificate. */
    boolean required() {
        return required;
    }

    Path file() {
        return file;
    }

    List<X509Certificate> authorities() {
        return authorities;
    }

    /** Same authorities, same mode: a reload that changes nothing need not be logged. */
    boolean sameAs(ClientCertificates other) {
        return required == other.required && authorities.equals(other.authorities);
    }

    /** @return empty when the chain is trusted now, else why not */
    Optional<String> problem(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return Optional.of("no client certificate was presented");
        }
        if (anchors.isEmpty()) {
            return Optional.of("no certificate authority is configured for client certificates "
                    + "(org.parley.tls key 'clientCaCertificates')");
        }
        X509Certificate leaf = chain.get(0);
        Date now = Date.from(clock.instant());
        // The validator reports validity with its own wording; say it plainly for the common case.
        try {
            leaf.checkValidity(now);
        } catch (CertificateExpiredException e) {
            return Optional.of("the client certificate expired on " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            return Optional.of("the client certificate is not valid before " + leaf.getNotBefore().toInstant());
        }
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_EXTENDED_KEY_USAGE)) {
                return Optional.of("the client certificate is not for client authentication (extended key usage)");
            }
        } catch (CertificateParsingException e) {
            return Optional.of("the client certificate's extended key usage cannot be read");
        }
        // The path without the anchors themselves: a client may send its CA along.
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (!authorities.contains(c)) {
                path.add(c);
            }
        }
        if (path.isEmpty()) {
            return Optional.of("the client presented a certificate authority's own certificate");
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return Optional.empty();
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return Optional.of("a certificate in the client's chain has expired");
            }
            if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return Optional.of("a certificate in the client's chain is not yet valid");
            }
            return Optional.of("the client certificate " + leaf.getSubjectX500Principal().getName()
                    + " was not issued by a trusted certificate authority");
        } catch (GeneralSecurityException e) {
            return Optional.of("the client certificate chain cannot be checked: " + e.getMessage());
        }
    }

    /**
     * The handshake's trust manager: it names the configured authorities in the certificate
     * request (so a client picks a certificate they issued), and refuses an untrusted chain only
     * when client certificates are required. Otherwise any chain passes the handshake (the client
     * has still proven it holds the key) and SASL EXTERNAL checks it through {@link #problem}.
     */
    X509ExtendedTrustManager trustManager() {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                check(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                check(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                throw new CertificateException("a server engine checks no server certificates");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                throw new CertificateException("a server engine checks no server certificates");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("a server engine checks no server certificates");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return authorities.toArray(new X509Certificate[0]);
            }
        };
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (!required) {
            return;
        }
        Optional<String> problem = problem(List.of(chain));
        if (problem.isPresent()) {
            throw new CertificateException(problem.get());
        }
    }
}
