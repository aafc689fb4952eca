package org.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.parley.transport.internal.ConnectionLimiter.Refusal.ADDRESS;
import static org.parley.transport.internal.ConnectionLimiter.Refusal.NONE;
import static org.parley.transport.internal.ConnectionLimiter.Refusal.TOTAL;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    private static final int NO_TOTAL_LIMIT = Integer.MAX_VALUE;

    @Test
    void anAddressAtItsLimitIsRefusedUntilOneCloses() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(2, NO_TOTAL_LIMIT);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertEquals(NONE, limiter.acquire(a));
        assertEquals(NONE, limiter.acquire(a));
        assertEquals(ADDRESS, limiter.acquire(a), "third connection from one address");
        assertEquals(NONE, limiter.acquire(b), "other addresses are not affected");
        limiter.release(a);
        assertEquals(NONE, limiter.acquire(a), "a closed connection frees its slot");
        assertEquals(2, limiter.open(a));
        assertEquals(3, limiter.total(), "a refused connection takes no slot");
    }

    @Test
    void theTotalLimitCountsEveryAddressAndAClosedConnectionFreesItsSlot() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 3);
        InetAddress a = InetAddress.getByName("192.0.2.5");
        InetAddress b = InetAddress.getByName("192.0.2.6");
        assertEquals(NONE, limiter.acquire(a));
        assertEquals(NONE, limiter.acquire(a));
        assertEquals(NONE, limiter.acquire(b));
        assertEquals(TOTAL, limiter.acquire(b));
        assertEquals(1, limiter.open(b), "a connection refused for the total takes no address slot");
        limiter.release(a);
        assertEquals(NONE, limiter.acquire(b));
        assertEquals(3, limiter.total());
    }

    @Test
    void releasingEveryConnectionForgetsTheAddress() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(5, NO_TOTAL_LIMIT);
        InetAddress a = InetAddress.getByName("192.0.2.3");
        limiter.acquire(a);
        limiter.release(a);
        assertEquals(0, limiter.open(a));
        assertEquals(0, limiter.total());
    }

    @Test
    void loweredLimitsApplyToNewConnections() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(5, NO_TOTAL_LIMIT);
        InetAddress a = InetAddress.getByName("192.0.2.4");
        InetAddress b = InetAddress.getByName("192.0.2.7");
        limiter.acquire(a);
        limiter.acquire(a);
        limiter.setLimits(2, NO_TOTAL_LIMIT);
        assertEquals(ADDRESS, limiter.acquire(a));
        limiter.setLimits(2, 2);
        assertEquals(TOTAL, limiter.acquire(b));
    }
}
