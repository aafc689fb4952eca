package org.parley.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * One-to-one chat latency while something else loads the server (issue 11: a room's fan-out must
 * not stall other users' traffic). PAIRS pairs of users (user(FIRST)..user(FIRST+2xPAIRS-1))
 * sign in; the first of each pair sends its partner a message stamped with the send time, RATE
 * messages a second in all, for SECONDS; each 5 s it prints one line with the epoch second, the
 * messages received in that interval and their latency (mean, 99th percentile, max), so the
 * lines can be matched with what the other load was doing then. At the end: sent, received,
 * lost (not received 5 s after the last was sent). The server waited for on PORT first.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.parley.benchmarks.ChatLatencyProbe PORT DOMAIN FIRST PAIRS RATE SECONDS</pre>
 */
public final class ChatLatencyProbe {
    /** This run's messages only: an earlier run's, stored offline, would come back with a meaningless stamp. */
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);
    private static final Pattern STAMP = Pattern.compile("<body>t=" + RUN + "-(\\d+)</body>");

    private ChatLatencyProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String domain = args[1];
        int first = Integer.parseInt(args[2]);
        int pairs = Integer.parseInt(args[3]);
        double rate = Double.parseDouble(args[4]);
        int seconds = Integer.parseInt(args[5]);
        awaitPort(port);
        SSLContext tls = IdleSessions.trustingTls();
        List<IdleSessions.Session> senders = new ArrayList<>();
        List<String> receivers = new ArrayList<>();
        Interval interval = new Interval();
        AtomicLong received = new AtomicLong();
        for (int p = 0; p < pairs; p++) {
            int a = first + 2 * p;
            int b = a + 1;
            senders.add(IdleSessions.login(tls, port, domain, "user" + a, "pass" + a, 0));
            IdleSessions.Session receiver = IdleSessions.login(tls, port, domain, "user" + b, "pass" + b, 0);
            receivers.add(receiver.jid());
            receiver.socket().setSoTimeout(0);
            Thread reader = new Thread(() -> read(receiver.socket(), interval, received), "probe-reader-" + p);
            reader.setDaemon(true);
            reader.start();
        }
        System.out.printf("probe: %d pairs signed in; %s msg/s for %d s%n", pairs, rate, seconds);
        Thread reporter = new Thread(() -> report(interval), "probe-report");
        reporter.setDaemon(true);
        reporter.start();
        long gapNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long sent = 0;
        for (long due = start; due < end; due += gapNanos) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int p = (int) (sent % pairs);
            OutputStream out = senders.get(p).socket().getOutputStream();
            IdleSessions.send(out, "<message type='chat' to='" + receivers.get(p) + "'><body>t=" + RUN + "-" + System.nanoTime() + "</body></message>");
            sent++;
        }
        Thread.sleep(5_000);
        long got = received.get();
        System.out.printf("probe: sent %d, received %d, lost %d%n", sent, got, sent - got);
        for (IdleSessions.Session s : senders) {
            s.socket().close();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("nothing listens on " + port);
    }

    private static void read(Socket socket, Interval interval, AtomicLong received) {
        StringBuilder pending = new StringBuilder();
        byte[] buf = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                long now = System.nanoTime();
                pending.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                Matcher m = STAMP.matcher(pending);
                int consumed = 0;
                while (m.find()) {
                    interval.add((now - Long.parseLong(m.group(1))) / 1000);
                    received.incrementAndGet();
                    consumed = m.end();
                }
                pending.delete(0, consumed);
                if (pending.length() > 65536) {
                    pending.delete(0, pending.length() - 1024);
                }
            }
        } catch (IOException e) {
            // the probe closes the sockets at the end
        }
    }

    private static void report(Interval interval) {
        System.out.println("epoch received mean_ms p99_ms max_ms");
        while (true) {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                return;
            }
            long[] micros = interval.drain();
            if (micros.length == 0) {
                System.out.printf("%d 0 - - -%n", System.currentTimeMillis() / 1000);
                continue;
            }
            Arrays.sort(micros);
            double mean = Arrays.stream(micros).average().orElse(0) / 1000;
            System.out.printf("%d %d %.1f %.1f %.1f%n", System.currentTimeMillis() / 1000, micros.length, mean,
                    micros[Math.min(micros.length - 1, (int) Math.ceil(micros.length * 0.99) - 1)] / 1000.0,
                    micros[micros.length - 1] / 1000.0);
        }
    }

    /** Latencies (µs) of the current reporting interval, from several reader threads. */
    private static final class Interval {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long micros) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = micros;
        }

        synchronized long[] drain() {
            long[] out = Arrays.copyOf(values, size);
            size = 0;
            return out;
        }
    }
}
