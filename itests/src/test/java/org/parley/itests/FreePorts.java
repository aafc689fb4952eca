package org.parley.itests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the servers the tests start (Parley, LDAP, SMTP, components), chosen so that
 * nothing else takes them between the choice and the bind.
 *
 * <p>A port the kernel hands out for {@code new ServerSocket(0)} comes from the ephemeral range
 * (32768-60999 on Linux), the same range every outgoing connection's local port comes from: in a
 * suite that opens thousands of client connections, one of them took a port a server had been
 * given before that server bound it ("Error while binding", the server never ready). Ports below
 * that range are never given to outgoing connections, and this class never gives the same one
 * twice to the tests of one JVM.
 */
final class FreePorts {
    /** Below Linux's default ephemeral range and above the well-known and common service ports. */
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A loopback port nothing listens on now, given to no other test of this JVM. */
    static int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (GIVEN.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOW + " and " + HIGH);
    }

    /** Several distinct ports, as {@link #next}. */
    static int[] next(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = next();
        }
        return ports;
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
