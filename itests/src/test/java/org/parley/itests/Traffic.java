package org.parley.itests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * Clients exchanging numbered chat messages without pause, for the live-upgrade tests: each client
 * sends to the next one (in a ring) every few milliseconds and records what it receives, so that
 * a test can count every message sent and received across an upgrade: none lost, none twice, in
 * order, and no connection ended.
 */
final class Traffic implements AutoCloseable {
    private final List<XMPPTCPConnection> clients;
    private final List<Thread> senders = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean();
    /** Per client: how many it sent. */
    private final List<AtomicInteger> sent = new ArrayList<>();
    /** Per receiving client: the sequence numbers received from its sender, in arrival order. */
    private final List<List<Integer>> received = new ArrayList<>();
    /** Error messages (bounces) any client got. */
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<String> connectionEvents = new CopyOnWriteArrayList<>();
    private final List<String> streamIds = new ArrayList<>();
    private final Map<String, Integer> index = new ConcurrentHashMap<>();
    private final long intervalMillis;

    Traffic(List<XMPPTCPConnection> clients, long intervalMillis) {
        this.clients = clients;
        this.intervalMillis = intervalMillis;
        for (int i = 0; i < clients.size(); i++) {
            XMPPTCPConnection c = clients.get(i);
            int me = i;
            sent.add(new AtomicInteger());
            List<Integer> got = new CopyOnWriteArrayList<>();
            received.add(got);
            streamIds.add(c.getStreamId());
            index.put(c.getUser().toString(), i);
            c.addSyncStanzaListener(stanza -> {
                Message m = (Message) stanza;
                if (m.getType() == Message.Type.error) {
                    errors.add(m.toXML().toString());
                } else if (m.getBody() != null && m.getBody().startsWith("seq ")) {
                    got.add(Integer.parseInt(m.getBody().substring(4)));
                }
            }, MessageWithBodiesFilter.INSTANCE);
            c.addConnectionListener(new ConnectionListener() {
                @Override
                public void connectionClosed() {
                    connectionEvents.add("client " + me + " closed");
                }

                @Override
                public void connectionClosedOnError(Exception e) {
                    connectionEvents.add("client " + me + " closed on error: " + e);
                }
            });
        }
    }

    void start() {
        running.set(true);
        for (int i = 0; i < clients.size(); i++) {
            XMPPTCPConnection from = clients.get(i);
            XMPPConnection to = clients.get((i + 1) % clients.size());
            AtomicInteger count = sent.get(i);
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        from.sendStanza(Xmpp.chat(from, to.getUser(), "seq " + count.get()));
                        count.incrementAndGet();
                        Thread.sleep(intervalMillis);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        connectionEvents.add("send failed: " + e);
                        return;
                    }
                }
            }, "traffic-" + i);
            t.setDaemon(true);
            senders.add(t);
            t.start();
        }
    }

    /** Stops sending and waits until everything sent has arrived (or the timeout passes). */
    void stopAndAwaitDelivery(Duration timeout) throws InterruptedException {
        running.set(false);
        for (Thread t : senders) {
            t.join(5000);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !allArrived()) {
            Thread.sleep(50);
        }
    }

    private boolean allArrived() {
        for (int i = 0; i < clients.size(); i++) {
            int sender = (i - 1 + clients.size()) % clients.size();
            if (received.get(i).size() < sent.get(sender).get()) {
                return false;
            }
        }
        return true;
    }

    int totalSent() {
        return sent.stream().mapToInt(AtomicInteger::get).sum();
    }

    int totalReceived() {
        return received.stream().mapToInt(List::size).sum();
    }

    /** Null when every message arrived exactly once and in order, every stream is the one it was; else what went wrong. */
    String problems() {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < clients.size(); i++) {
            int sender = (i - 1 + clients.size()) % clients.size();
            int n = sent.get(sender).get();
            List<Integer> got = received.get(i);
            List<Integer> expected = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                expected.add(k);
            }
            if (!got.equals(expected)) {
                p.append("client ").append(i).append(" got ").append(got.size()).append(" of ").append(n)
                        .append(" from client ").append(sender).append(": ").append(describe(got, n)).append('\n');
            }
            if (!clients.get(i).isAuthenticated()) {
                p.append("client ").append(i).append(" is no longer signed in\n");
            } else if (!streamIds.get(i).equals(clients.get(i).getStreamId())) {
                p.append("client ").append(i).append(" is on another stream\n");
            }
        }
        if (!errors.isEmpty()) {
            p.append(errors.size()).append(" error replies, first: ").append(errors.get(0)).append('\n');
        }
        if (!connectionEvents.isEmpty()) {
            p.append("connection events: ").append(connectionEvents).append('\n');
        }
        return p.length() == 0 ? null : p.toString();
    }

    private static String describe(List<Integer> got, int n) {
        List<Integer> missing = new ArrayList<>();
        List<Integer> twice = new ArrayList<>();
        boolean[] seen = new boolean[Math.max(n, 1)];
        for (int s : got) {
            if (s < n && seen[s]) {
                twice.add(s);
            } else if (s < n) {
                seen[s] = true;
            }
        }
        for (int k = 0; k < n; k++) {
            if (!seen[k]) {
                missing.add(k);
            }
        }
        return "missing " + missing + ", twice " + twice;
    }

    @Override
    public void close() {
        running.set(false);
    }
}
