package org.parley.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reading and writing PEM files with Bouncy Castle's PEMParser. A file may hold both the chain
 * and the key: each reader skips the other kind of block.
 */
final class Pem {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private Pem() {
    }

    /**
     * The certificates in the file, in file order. They are converted with the JDK's X.509
     * factory, not Bouncy Castle's, so that SunJSSE gets its own certificate and key classes.
     */
    static List<X509Certificate> readCertificates(Path file) throws KeyMaterialException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    chain.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(holder.getEncoded())));
                }
            }
        } catch (NoSuchFileException e) {
            throw new KeyMaterialException(file, "does not exist");
        } catch (IOException | CertificateException | RuntimeException e) {
            // PEMParser reports malformed input as IOException or, for bad DER, as runtime exceptions.
            throw new KeyMaterialException(file, "is not a readable PEM certificate file (" + e.getMessage() + ")", e);
        }
        if (chain.isEmpty()) {
            throw new KeyMaterialException(file, "contains no CERTIFICATE block");
        }
        return chain;
    }

    /**
     * The one unencrypted private key in the file: PKCS#8 ({@code PRIVATE KEY}), PKCS#1
     * ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}, optionally after
     * {@code EC PARAMETERS}). Parsed by Bouncy Castle's PEM reader, converted by the JDK's key factories
     * (SunRsaSign, SunEC): Bouncy Castle's JCA provider is not loaded, as its ~800 classes would stay in
     * memory for the life of the server.
     */
    static PrivateKey readPrivateKey(Path file) throws KeyMaterialException {
        PrivateKeyInfo found = null;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                PrivateKeyInfo info;
                if (object instanceof PEMKeyPair pair) {
                    info = pair.getPrivateKeyInfo();
                } else if (object instanceof PrivateKeyInfo pkcs8) {
                    info = pkcs8;
                } else if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new KeyMaterialException(file, "holds an encrypted private key; only unencrypted keys "
                            + "are supported (protect the file with its permissions)");
                } else {
                    // Certificates (in a combined file), SEC1's EC PARAMETERS block, public keys: no private key.
                    continue;
                }
                if (found != null) {
                    throw new KeyMaterialException(file, "holds more than one private key");
                }
                found = info;
            }
            if (found == null) {
                throw new KeyMaterialException(file, "contains no private key (PRIVATE KEY, RSA PRIVATE KEY or "
                        + "EC PRIVATE KEY block)");
            }
            return new JcaPEMKeyConverter().getPrivateKey(found);
        } catch (NoSuchFileException e) {
            throw new KeyMaterialException(file, "does not exist");
        } catch (IOException | RuntimeException e) {
            throw new KeyMaterialException(file, "is not a readable PEM private key file (" + e.getMessage() + ")", e);
        }
    }

    /** The certificate as a PEM block. */
    static String encode(X509Certificate certificate) {
        return write(certificate);
    }

    /** The private key as a PKCS#8 {@code PRIVATE KEY} block. */
    static String encode(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the " + key.getAlgorithm() + " key as PKCS#8", e);
        }
    }

    private static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Creates the directory (owner-only where POSIX permissions exist) if it is missing. */
    static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            if (isPosix(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } else {
                Files.createDirectories(directory);
            }
        }
    }

    /**
     * Replaces the file's content in one step (temporary file, then atomic rename), so that a reader
     * never sees half a file. A secret file gets owner-only permissions from its creation on.
     */
    static void writeAtomically(Path file, String content, boolean secret) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Path temporary;
        if (isPosix(directory)) {
            FileAttribute<Set<PosixFilePermission>> permissions =
                    PosixFilePermissions.asFileAttribute(secret ? OWNER_ONLY : WORLD_READABLE);
            temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp", permissions);
        } else {
            temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
        }
        try {
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
