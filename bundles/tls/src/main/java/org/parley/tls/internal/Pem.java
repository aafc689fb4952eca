package org.parley.tls.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reading and writing PEM files with the JDK alone: the blocks are Base64-decoded here, certificates
 * are read by the JDK's X.509 factory and keys by its key factories (SunRsaSign, SunEC), so that no
 * Bouncy Castle class is loaded at a start (about 200 of them, which stayed in metaspace for the
 * server's life when its PEMParser read the files). A file may hold both the chain and the key:
 * each reader skips the other kind of block, and blocks of other kinds.
 */
final class Pem {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** DER encodings of the OIDs needed to wrap traditional keys into PKCS#8. */
    private static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};

    /**
     * The JDK's key factory for a PKCS#8 key's algorithm OID. Other algorithms are read too, so
     * that {@link KeyMaterial} refuses them by name rather than as an unreadable file.
     */
    private static final Map<String, String> KEY_FACTORIES = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.2.840.10040.4.1", "DSA",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    private Pem() {
    }

    /** One PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}...), whether its headers say it is encrypted, its DER. */
    record Block(String label, boolean encrypted, byte[] der) {
    }

    /**
     * The certificates in the file, in file order ({@code CERTIFICATE} or {@code X509 CERTIFICATE}
     * blocks), read by the JDK's X.509 factory.
     */
    static List<X509Certificate> readCertificates(Path file) throws KeyMaterialException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(Files.readString(file, StandardCharsets.ISO_8859_1))) {
                if (block.label().equals("CERTIFICATE") || block.label().equals("X509 CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (NoSuchFileException e) {
            throw new KeyMaterialException(file, "does not exist");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
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
     * {@code EC PARAMETERS}). The traditional forms are wrapped into PKCS#8 (RFC 5208, with
     * rsaEncryption or id-ecPublicKey and the SEC1 key's own curve), and every key is converted by
     * the JDK's key factory for its algorithm.
     */
    static PrivateKey readPrivateKey(Path file) throws KeyMaterialException {
        Block found = null;
        try {
            for (Block block : blocks(Files.readString(file, StandardCharsets.ISO_8859_1))) {
                switch (block.label()) {
                    case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" -> {
                        if (block.encrypted()) {
                            throw encrypted(file);
                        }
                    }
                    case "ENCRYPTED PRIVATE KEY" -> throw encrypted(file);
                    default -> {
                        // Certificates (in a combined file), SEC1's EC PARAMETERS block, public keys: no private key.
                        continue;
                    }
                }
                if (found != null) {
                    throw new KeyMaterialException(file, "holds more than one private key");
                }
                found = block;
            }
            if (found == null) {
                throw new KeyMaterialException(file, "contains no private key (PRIVATE KEY, RSA PRIVATE KEY or "
                        + "EC PRIVATE KEY block)");
            }
            byte[] pkcs8 = switch (found.label()) {
                case "RSA PRIVATE KEY" -> pkcs8(RSA_ENCRYPTION, DER_NULL, found.der());
                case "EC PRIVATE KEY" -> pkcs8(EC_PUBLIC_KEY, sec1Curve(found.der()), found.der());
                case "DSA PRIVATE KEY" -> throw new KeyMaterialException(file,
                        "holds a DSA key; only RSA and EC keys are supported");
                default -> found.der();
            };
            String oid = pkcs8AlgorithmOid(pkcs8);
            String algorithm = KEY_FACTORIES.getOrDefault(oid, oid);
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (NoSuchFileException e) {
            throw new KeyMaterialException(file, "does not exist");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new KeyMaterialException(file, "is not a readable PEM private key file (" + e.getMessage() + ")", e);
        }
    }

    private static KeyMaterialException encrypted(Path file) {
        return new KeyMaterialException(file, "holds an encrypted private key; only unencrypted keys "
                + "are supported (protect the file with its permissions)");
    }

    /**
     * The PEM blocks of the text (RFC 7468, with RFC 1421's headers such as {@code Proc-Type} that
     * OpenSSL writes in an encrypted traditional key). Text between blocks is ignored, as
     * OpenSSL does (e.g. the "Bag Attributes" lines of {@code openssl pkcs12} output).
     *
     * @throws IOException when a block has no matching END line or its body is not Base64
     */
    static List<Block> blocks(String text) throws IOException {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() < BEGIN.length() + DASHES.length()) {
                continue;
            }
            String label = line.substring(BEGIN.length(), line.length() - DASHES.length());
            String end = END + label + DASHES;
            boolean encrypted = false;
            StringBuilder body = new StringBuilder();
            int j = i + 1;
            for (; j < lines.length && !lines[j].strip().equals(end); j++) {
                String bodyLine = lines[j].strip();
                if (bodyLine.startsWith(BEGIN) || bodyLine.startsWith(END)) {
                    break;
                }
                int colon = bodyLine.indexOf(':');
                if (colon > 0) {
                    // An RFC 1421 header line (the Base64 alphabet has no colon).
                    encrypted |= bodyLine.substring(0, colon).strip().equalsIgnoreCase("Proc-Type")
                            && bodyLine.toUpperCase(Locale.ROOT).contains("ENCRYPTED");
                } else {
                    body.append(bodyLine);
                }
            }
            if (j >= lines.length || !lines[j].strip().equals(end)) {
                throw new IOException("the " + label + " block has no " + end + " line");
            }
            try {
                blocks.add(new Block(label, encrypted, Base64.getDecoder().decode(body.toString())));
            } catch (IllegalArgumentException e) {
                throw new IOException("the " + label + " block is not Base64: " + e.getMessage(), e);
            }
            i = j;
        }
        return blocks;
    }

    /** PKCS#8's PrivateKeyInfo: version 0, AlgorithmIdentifier {algorithm, parameters}, the key as an OCTET STRING. */
    private static byte[] pkcs8(byte[] algorithm, byte[] parameters, byte[] key) {
        byte[] version = {0x02, 0x01, 0x00};
        return Der.encode(0x30, version, Der.encode(0x30, algorithm, parameters), Der.encode(0x04, key));
    }

    /**
     * The curve of a SEC1 ECPrivateKey (RFC 5915: version, privateKey, [0] parameters, [1] publicKey),
     * as its DER (a named curve's OID), for PKCS#8's AlgorithmIdentifier.
     */
    private static byte[] sec1Curve(byte[] sec1) throws IOException {
        Der key = new Der(sec1).sequence();
        key.next(0x02); // version 1
        key.next(0x04); // the private key
        while (key.hasMore()) {
            Der.Element element = key.next(-1);
            if (element.tag() == 0xa0) {
                return element.contents();
            }
        }
        throw new IOException("the EC PRIVATE KEY names no curve (SEC1 parameters missing)");
    }

    /** The algorithm OID of a PKCS#8 PrivateKeyInfo, dotted. */
    private static String pkcs8AlgorithmOid(byte[] pkcs8) throws IOException {
        Der info = new Der(pkcs8).sequence();
        info.next(0x02); // version
        Der algorithm = new Der(info.next(0x30).contents());
        return Der.oid(algorithm.next(0x06).contents());
    }

    /** The certificate as a PEM block. */
    static String encode(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the certificate", e);
        }
    }

    /** The private key as a PKCS#8 {@code PRIVATE KEY} block (the JDK's keys encode as PKCS#8). */
    static String encode(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("cannot encode the " + key.getAlgorithm() + " key as PKCS#8 ("
                    + key.getFormat() + ")");
        }
        return encode("PRIVATE KEY", key.getEncoded());
    }

    /** RFC 7468's strict form: 64 characters a line, LF line ends, as OpenSSL writes it. */
    private static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return BEGIN + label + DASHES + "\n" + body + "\n" + END + label + DASHES + "\n";
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
