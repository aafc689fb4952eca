package org.parley.session.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.parley.net.Networks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may open a client stream, by network: the operator's allow and deny ranges (CIDR). By
 * default checked when a client opens its first stream, before TLS and before any authentication
 * work, so a refused network costs the server a stream header and an error; a client from a
 * denied range gets the {@code policy-violation} stream error (RFC 6120 section 4.9.3.15: the
 * entity "has violated some local service policy"). With {@code networkRefusal = close} the
 * connection is closed as soon as it is accepted instead: no byte, no TLS handshake on either
 * port. Deny wins over allow; with no allow ranges every network
 * not denied is allowed. Sessions already open are not cut off by a change: it applies to the next
 * connection. Refusals are logged once per address per interval, not per attempt, so a client
 * retrying in a loop cannot flood the log.
 */
final class AccessPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(AccessPolicy.class);
    private static final int LOGGED_ADDRESSES = 10_000;

    /** The ranges in force, replaced as a whole. */
    record Rules(Networks allow, Networks deny, long logIntervalNanos, boolean closeAtConnect) {
        static final Rules OPEN = new Rules(Networks.NONE, Networks.NONE, 300_000_000_000L, false);

        /** @return null when allowed, else why not (for the log and the client) */
        String refusal(InetAddress address) {
            String denied = deny.match(address);
            if (denied != null) {
                return "connections from " + denied + " are not allowed here";
            }
            if (!allow.isEmpty() && allow.match(address) == null) {
                return "connections are allowed only from " + allow;
            }
            return null;
        }

        /**
         * @throws IllegalArgumentException naming the key of the first value that is no range
         */
        static Rules from(SessionConfig config) {
            Networks allow;
            Networks deny;
            try {
                allow = Networks.parse(config.allowNetworks());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key 'allowNetworks': " + e.getMessage());
            }
            try {
                deny = Networks.parse(config.denyNetworks());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key 'denyNetworks': " + e.getMessage());
            }
            if (config.refusalLogSeconds() < 1) {
                throw new IllegalArgumentException("key 'refusalLogSeconds': must be at least 1, got "
                        + config.refusalLogSeconds());
            }
            boolean closeAtConnect = switch (config.networkRefusal() == null ? "" : config.networkRefusal().trim()) {
                case "stream-error" -> false;
                case "close" -> true;
                default -> throw new IllegalArgumentException("key 'networkRefusal': '" + config.networkRefusal()
                        + "' is neither 'stream-error' nor 'close'");
            };
            return new Rules(allow, deny, config.refusalLogSeconds() * 1_000_000_000L, closeAtConnect);
        }
    }

    private final LongSupplier nanoClock;
    private final Consumer<String> refusalLog;
    private volatile Rules rules = Rules.OPEN;
    /** Address → when its refusal was last logged and how many were not; in access order. Guarded by itself. */
    private final LinkedHashMap<InetAddress, long[]> logged = new LinkedHashMap<>(64, 0.75f, true);

    AccessPolicy(LongSupplier nanoClock) {
        this(nanoClock, LOG::warn);
    }

    /** @param refusalLog where the lines about refused connections go (the log; a list in tests) */
    AccessPolicy(LongSupplier nanoClock, Consumer<String> refusalLog) {
        this.nanoClock = nanoClock;
        this.refusalLog = refusalLog;
    }

    Rules rules() {
        return rules;
    }

    void apply(Rules next) {
        Rules previous = rules;
        rules = next;
        if (!next.equals(previous)) {
            synchronized (logged) {
                logged.clear(); // under new rules, each address's first refusal is news again
            }
            LOG.info("Client access: allowed networks {}, denied networks {}, refused clients {}",
                    next.allow().isEmpty() ? "all" : next.allow(), next.deny().isEmpty() ? "none" : next.deny(),
                    next.closeAtConnect() ? "closed at once" : "get policy-violation");
        }
    }

    /** @return null when the client may open a stream, else the text of its policy-violation */
    String refusal(InetSocketAddress remote) {
        if (remote == null || remote.getAddress() == null) {
            return null; // not a network connection (an in-process test): nothing to judge by
        }
        Rules r = rules;
        String refusal = r.refusal(remote.getAddress());
        if (refusal != null) {
            logRefusal(remote.getAddress(), refusal, "policy-violation", r.logIntervalNanos());
        }
        return refusal;
    }

    /**
     * @return true when the connection just accepted is to be closed at once: its network is
     *     refused and the operator chose {@code networkRefusal = close}. (With the default, the
     *     refusal waits for the stream header: {@link #refusal}.)
     */
    boolean closesAtConnect(InetSocketAddress remote) {
        Rules r = rules;
        if (!r.closeAtConnect() || remote == null || remote.getAddress() == null) {
            return false;
        }
        String refusal = r.refusal(remote.getAddress());
        if (refusal == null) {
            return false;
        }
        logRefusal(remote.getAddress(), refusal, "connection closed", r.logIntervalNanos());
        return true;
    }

    private void logRefusal(InetAddress address, String refusal, String how, long interval) {
        long now = nanoClock.getAsLong();
        long unlogged;
        synchronized (logged) {
            long[] entry = logged.get(address);
            if (entry != null && now - entry[0] < interval) {
                entry[1]++;
                return;
            }
            unlogged = entry == null ? 0 : entry[1];
            logged.put(address, new long[] {now, 0});
            if (logged.size() > LOGGED_ADDRESSES) {
                Iterator<InetAddress> eldest = logged.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        refusalLog.accept("Refused a client connection from " + address.getHostAddress() + ": " + refusal
                + " (" + how + ")" + (unlogged == 0 ? "" : "; " + unlogged + " more were refused since the last line")
                + "; the next refusal of this address is logged after " + interval / 1_000_000_000L + " s");
    }
}
