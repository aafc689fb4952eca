package org.parley.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** CIDR ranges: IPv4, IPv6, IPv4-mapped addresses, and what is no range. */
class NetworksTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void rangesMatchIpv4Ipv6AndMappedAddresses() throws Exception {
        Networks n = Networks.parse(new String[] {"10.0.0.0/8, 192.0.2.7", "2001:db8::/32 ::1", "172.16.0.0/12"});
        assertEquals("10.0.0.0/8", n.match(ip("10.200.3.4")));
        assertEquals("192.0.2.7/32", n.match(ip("192.0.2.7")));
        assertNull(n.match(ip("192.0.2.8")));
        assertEquals("172.16.0.0/12", n.match(ip("172.31.255.255")));
        assertNull(n.match(ip("172.32.0.0")));
        assertEquals("2001:db8:0:0:0:0:0:0/32", n.match(ip("2001:db8:ffff::1")));
        assertNull(n.match(ip("2001:db9::1")));
        assertEquals("0:0:0:0:0:0:0:1/128", n.match(ip("::1")));
        assertEquals("10.0.0.0/8", n.match(ip("::ffff:10.1.2.3")), "a dual-stack socket's IPv4 client");
        assertNull(n.match(ip("127.0.0.1")));
        assertEquals("0.0.0.0/0", Networks.parse(new String[] {"0.0.0.0/0"}).match(ip("203.0.113.9")));
        assertNull(Networks.parse(new String[] {"0.0.0.0/0"}).match(ip("2001:db8::1")), "IPv4 ranges never match IPv6");
        assertTrue(Networks.parse(new String[] {" ", ""}).isEmpty());
    }

    @Test
    void invalidRangesAreRefusedWithAReason() {
        for (String bad : new String[] {"10.0.0.0/33", "10.0.0.1/8", "campus.example.org", "10.0.0", "10.0.0.0/x",
                "2001:db8::/129", "fe80::1/-1", "/8"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Networks.parse(new String[] {bad}), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Networks.parse(new String[] {"10.0.0.1/8"}))
                .getMessage().contains("did you mean 10.0.0.0/8"));
    }
}
