package org.parley.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of address ranges in CIDR notation, IPv4 and IPv6 ({@code 10.0.0.0/8},
 * {@code 2001:db8::/32}; a bare address is one host). An IPv4-mapped IPv6 address
 * ({@code ::ffff:10.1.2.3}), as a dual-stack socket reports an IPv4 client, is matched as the IPv4
 * address it carries. Immutable.
 *
 * <p>Used by the session core (client access by network) and the register bundle (networks that
 * may create accounts), each with its own copy compiled in (see this module's pom), so both read
 * ranges alike.
 */
public final class Networks {
    public static final Networks NONE = new Networks(List.of(), List.of());

    private final List<byte[]> prefixes;
    private final List<Integer> lengths;
    private final List<String> texts = new ArrayList<>();

    private Networks(List<byte[]> prefixes, List<Integer> lengths) {
        this.prefixes = List.copyOf(prefixes);
        this.lengths = List.copyOf(lengths);
        for (int i = 0; i < prefixes.size(); i++) {
            texts.add(text(prefixes.get(i), lengths.get(i)));
        }
    }

    /**
     * Parses ranges given as separate values or as one value separated by commas or spaces (a
     * {@code .cfg} file gives one string).
     *
     * @throws IllegalArgumentException naming the first value that is no range
     */
    public static Networks parse(String[] values) {
        List<byte[]> prefixes = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                for (String part : value.split("[,\\s]+")) {
                    if (part.isBlank()) {
                        continue;
                    }
                    parseOne(part.trim(), prefixes, lengths);
                }
            }
        }
        return prefixes.isEmpty() ? NONE : new Networks(prefixes, lengths);
    }

    private static void parseOne(String range, List<byte[]> prefixes, List<Integer> lengths) {
        int slash = range.indexOf('/');
        String address = slash < 0 ? range : range.substring(0, slash);
        // Literal addresses only: InetAddress.getByName would resolve a host name through DNS.
        if (address.isEmpty() || !(address.indexOf(':') >= 0 || address.matches("[0-9.]+"))) {
            throw new IllegalArgumentException("'" + range + "' is not an IPv4 or IPv6 address range (CIDR)");
        }
        byte[] bytes;
        try {
            bytes = bytes(InetAddress.getByName(address));
        } catch (UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException("'" + range + "' is not an IPv4 or IPv6 address range (CIDR)");
        }
        if (address.indexOf(':') < 0 && address.split("\\.", -1).length != 4) {
            throw new IllegalArgumentException("'" + range + "': an IPv4 address has four parts");
        }
        int max = bytes.length * 8;
        int length = max;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(range.substring(slash + 1));
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || length > max) {
                throw new IllegalArgumentException("'" + range + "': the prefix length must be 0 to " + max);
            }
        }
        for (int bit = length; bit < max; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("'" + range + "' has host bits set: did you mean "
                        + text(mask(bytes, length), length) + "?");
            }
        }
        prefixes.add(bytes);
        lengths.add(length);
    }

    /** The address's bytes, an IPv4-mapped IPv6 address as its IPv4 bytes. */
    public static byte[] bytes(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address && isV4Mapped(b)) {
            byte[] v4 = new byte[4];
            System.arraycopy(b, 12, v4, 0, 4);
            return v4;
        }
        return b;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int length) {
        byte[] m = bytes.clone();
        for (int bit = length; bit < m.length * 8; bit++) {
            m[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return m;
    }

    private static String text(byte[] bytes, int length) {
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + length;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isEmpty() {
        return prefixes.isEmpty();
    }

    /** The range that contains the address, or null. */
    public String match(InetAddress address) {
        byte[] a = bytes(address);
        for (int i = 0; i < prefixes.size(); i++) {
            byte[] p = prefixes.get(i);
            if (p.length == a.length && sameBits(p, a, lengths.get(i))) {
                return texts.get(i);
            }
        }
        return null;
    }

    private static boolean sameBits(byte[] p, byte[] a, int length) {
        int whole = length / 8;
        for (int i = 0; i < whole; i++) {
            if (p[i] != a[i]) {
                return false;
            }
        }
        int rest = length % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (p[whole] & mask) == (a[whole] & mask);
    }

    @Override
    public String toString() {
        return texts.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Networks n && n.texts.equals(texts);
    }

    @Override
    public int hashCode() {
        return texts.hashCode();
    }

    public static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address || bytes(a).length == 4;
    }
}
