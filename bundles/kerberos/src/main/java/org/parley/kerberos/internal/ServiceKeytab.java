package org.parley.kerberos.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosKey;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KeyTab;

/**
 * The service's Kerberos identity: a {@link Subject} holding the principal and its keytab, which
 * the JDK's GSS acceptor finds when it runs inside {@code Subject.doAs}.
 *
 * <p>Why a Subject built here rather than a JAAS login with {@code Krb5LoginModule}: an acceptor
 * with a keytab never talks to the KDC, and the login module would only put the same {@link KeyTab}
 * object into a Subject, after reading a JAAS configuration and, for the realm, a krb5.conf. Both
 * are JVM-wide settings ({@code java.security.auth.login.config}, {@code java.security.krb5.conf})
 * that one bundle must not set for all others; built in code the identity needs neither, and
 * another configuration is simply another Subject. The keytab file is read again when it changes
 * (the JDK takes a fresh snapshot on each use), so an operator can rotate keys in place.
 */
final class ServiceKeytab {
    private final Path file;
    private final KerberosPrincipal principal;
    private final Subject subject;

    ServiceKeytab(Path file, String principal) {
        this.file = file;
        this.principal = new KerberosPrincipal(principal, KerberosPrincipal.KRB_NT_PRINCIPAL);
        KeyTab keyTab = KeyTab.getInstance(this.principal, file.toFile());
        this.subject = new Subject(true, Set.of(this.principal), Set.of(), Set.of(keyTab));
    }

    Subject subject() {
        return subject;
    }

    String principal() {
        return principal.getName();
    }

    Path file() {
        return file;
    }

    /** Why the keytab cannot be used, or empty when it holds a key for the principal. Reads the file. */
    Optional<String> problem() {
        if (!Files.exists(file)) {
            return Optional.of("keytab " + file + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return Optional.of("keytab " + file + " cannot be read by the server");
        }
        KerberosKey[] keys;
        try {
            keys = KeyTab.getInstance(principal, file.toFile()).getKeys(principal);
        } catch (RuntimeException e) {
            return Optional.of("keytab " + file + " cannot be read: " + e);
        }
        if (keys.length == 0) {
            return Optional.of("keytab " + file + " holds no key for " + principal.getName()
                    + " (not a keytab, another principal's, or only encryption types this JVM does not permit)");
        }
        return Optional.empty();
    }
}
