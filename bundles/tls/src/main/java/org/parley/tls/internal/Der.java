package org.parley.tls.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;

/**
 * The little of DER (X.690) that {@link Pem} needs to turn a traditional OpenSSL key into PKCS#8
 * and to find a PKCS#8 key's algorithm, and that {@link SelfSignedIssuer} needs to write a
 * certificate: reading definite-length elements one after the other, and writing an element
 * around contents. The JDK's own DER classes are not exported by java.base.
 */
final class Der {
    /** One element: its tag byte (single-byte tags only, which is all these structures use) and its contents. */
    record Element(int tag, byte[] contents) {
    }

    private final byte[] bytes;
    private int position;

    Der(byte[] bytes) {
        this.bytes = bytes;
    }

    boolean hasMore() {
        return position < bytes.length;
    }

    /**
     * The next element.
     *
     * @param expectedTag the tag it must have, or -1 for any
     * @throws IOException when the bytes end early, the length is indefinite or too long, or the tag differs
     */
    Element next(int expectedTag) throws IOException {
        if (bytes.length - position < 2) {
            throw new IOException("DER: truncated element at offset " + position);
        }
        int tag = bytes[position++] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new IOException("DER: multi-byte tag at offset " + (position - 1));
        }
        if (expectedTag >= 0 && tag != expectedTag) {
            throw new IOException("DER: tag 0x" + Integer.toHexString(tag) + " where 0x"
                    + Integer.toHexString(expectedTag) + " was expected at offset " + (position - 1));
        }
        int length = bytes[position++] & 0xff;
        if (length >= 0x80) {
            int octets = length & 0x7f;
            if (octets == 0 || octets > 3 || bytes.length - position < octets) {
                throw new IOException("DER: unsupported length at offset " + (position - 1));
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (bytes[position++] & 0xff);
            }
        }
        if (length > bytes.length - position) {
            throw new IOException("DER: element longer than its data at offset " + position);
        }
        byte[] contents = new byte[length];
        System.arraycopy(bytes, position, contents, 0, length);
        position += length;
        return new Element(tag, contents);
    }

    /** A reader over the contents of the SEQUENCE these bytes are (nothing may follow it). */
    Der sequence() throws IOException {
        Element sequence = next(0x30);
        if (hasMore()) {
            throw new IOException("DER: data after the SEQUENCE");
        }
        return new Der(sequence.contents());
    }

    /** The element with this tag around the concatenated contents. */
    static byte[] encode(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] part : contents) {
            length += part.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            byte[] octets = BigInteger.valueOf(length).toByteArray();
            int skip = octets[0] == 0 ? 1 : 0;
            out.write(0x80 | (octets.length - skip));
            out.write(octets, skip, octets.length - skip);
        }
        for (byte[] part : contents) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }

    /** The OBJECT IDENTIFIER element for the dotted form. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeArc(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            writeArc(out, Long.parseLong(arcs[i]));
        }
        return encode(0x06, out.toByteArray());
    }

    private static void writeArc(ByteArrayOutputStream out, long value) {
        int groups = 1;
        while (value >>> (7 * groups) != 0) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) (value >>> (7 * g)) & 0x7f;
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    /** An OBJECT IDENTIFIER's contents in dotted form. */
    static String oid(byte[] contents) throws IOException {
        if (contents.length == 0 || (contents[contents.length - 1] & 0x80) != 0) {
            throw new IOException("DER: malformed OBJECT IDENTIFIER");
        }
        StringBuilder dotted = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (byte b : contents) {
            value = (value << 7) | (b & 0x7f);
            if (value > Long.MAX_VALUE >> 7) {
                throw new IOException("DER: OBJECT IDENTIFIER arc too large");
            }
            if ((b & 0x80) == 0) {
                if (first) {
                    int arc = (int) Math.min(value / 40, 2);
                    dotted.append(arc).append('.').append(value - 40L * arc);
                    first = false;
                } else {
                    dotted.append('.').append(value);
                }
                value = 0;
            }
        }
        return dotted.toString();
    }
}
