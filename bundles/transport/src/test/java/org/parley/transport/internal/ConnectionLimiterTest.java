package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    @Test
    void anAddressAtItsLimitIsRefusedUntilOneCloses() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertTrue(limiter.acquire(a));
        assertTrue(limiter.acquire(a));
        assertFalse(limiter.acquire(a), "third connection from one address");
        assertTrue(limiter.acquire(b), "other addresses are not affected");
        limiter.release(a);
        assertTrue(limiter.acquire(a), "a closed connection frees its slot");
        assertEquals(2, limiter.open(a));
    }

    @Test
    void releasingEveryConnectionForgetsTheAddress() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(5);
        InetAddress a = InetAddress.getByName("192.0.2.3");
        limiter.acquire(a);
        limiter.release(a);
        assertEquals(0, limiter.open(a));
    }

    @Test
    void aLoweredLimitAppliesToNewConnections() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(5);
        InetAddress a = InetAddress.getByName("192.0.2.4");
        limiter.acquire(a);
        limiter.acquire(a);
        limiter.setMaxPerAddress(2);
        assertFalse(limiter.acquire(a));
    }
}
