package org.parley.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * What a flood toward a client that stopped reading costs the server in memory: one client logs
 * in and never reads again (with a small socket receive buffer, so the server's queue for it
 * fills at once); several others send it headline messages over TLS until a total is sent. The
 * server must cut the reader off (it queues at most 8 MiB for one client) and its memory must not
 * grow with the flood, and must come back down when the flood is over.
 *
 * <p>Prints the server's resident memory (VmRSS of PID, sampled every 100 ms) before the flood,
 * the highest sample during it, at its end, and every 10 s afterwards. A benchmark: it prints
 * figures, it does not pass or fail.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.parley.benchmarks.StalledReaderFlood PORT DOMAIN PID [MIB [SENDERS [AFTER_SECONDS]]]</pre>
 * Defaults: 1024 MiB, 4 senders, 120 s. Accounts user1 (the reader) to user(SENDERS+1) with
 * passwords passN must exist, as itests/bench/run.sh creates them.
 */
public final class StalledReaderFlood {
    private static final int BODY_BYTES = 16 * 1024;
    private static final long MIB = 1024 * 1024;

    private StalledReaderFlood() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String domain = args[1];
        Path status = Path.of("/proc", args[2], "status");
        long total = (args.length > 3 ? Long.parseLong(args[3]) : 1024) * MIB;
        int senders = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        int afterSeconds = args.length > 5 ? Integer.parseInt(args[5]) : 120;

        Rss rss = new Rss(status);
        rss.start();
        SSLContext tls = IdleSessions.trustingTls();
        IdleSessions.Session reader = IdleSessions.login(tls, port, domain, "user1", "pass1", 16 * 1024);
        List<IdleSessions.Session> flooders = new ArrayList<>();
        for (int i = 2; i <= senders + 1; i++) {
            flooders.add(IdleSessions.login(tls, port, domain, "user" + i, "pass" + i, 0));
        }
        Thread.sleep(2000);
        long before = rss.current();
        System.out.printf("reader %s; %d senders; server RSS before the flood: %d MiB%n", reader.jid(), senders, before / 1024);

        byte[] stanza = ("<message to='" + reader.jid() + "' type='headline'><body>" + "x".repeat(BODY_BYTES) + "</body></message>")
                .getBytes(StandardCharsets.UTF_8);
        AtomicLong sent = new AtomicLong();
        rss.resetMax();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (IdleSessions.Session s : flooders) {
            Thread t = new Thread(() -> flood(s, stanza, total / senders, sent), "flood " + s.jid());
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = rss.max();
        long atEnd = rss.current();
        System.out.printf("sent %d MiB in %.1f s (%.0f MiB/s); server RSS highest during the flood %d MiB (+%d), at its end %d MiB (+%d)%n",
                sent.get() / MIB, seconds, sent.get() / MIB / seconds, peak / 1024, (peak - before) / 1024, atEnd / 1024,
                (atEnd - before) / 1024);
        System.out.println("reader: " + drain(reader));

        for (int waited = 10; waited <= afterSeconds; waited += 10) {
            Thread.sleep(10_000);
            long now = rss.current();
            System.out.printf("%3d s after the flood: server RSS %d MiB (%+d against before)%n", waited, now / 1024, (now - before) / 1024);
        }
        for (IdleSessions.Session s : flooders) {
            s.socket().close();
        }
        rss.interrupt();
    }

    /** Sends {@code stanza} until {@code bytes} are sent or the server closes the connection. */
    private static void flood(IdleSessions.Session session, byte[] stanza, long bytes, AtomicLong sent) {
        try {
            OutputStream out = session.socket().getOutputStream();
            for (long done = 0; done < bytes; done += stanza.length) {
                out.write(stanza);
                sent.addAndGet(stanza.length);
            }
            out.flush();
        } catch (IOException e) {
            System.out.println(Thread.currentThread().getName() + " stopped: " + e);
        }
    }

    /** Reads what the server left for the reader: it was cut off if the stream ends. */
    private static String drain(IdleSessions.Session reader) {
        long read = 0;
        byte[] buf = new byte[64 * 1024];
        try {
            reader.socket().setSoTimeout(10_000);
            InputStream in = reader.socket().getInputStream();
            for (int n; (n = in.read(buf)) >= 0;) {
                read += n;
            }
            return "cut off by the server (" + read / 1024 + " KiB were still on the way, then end of stream)";
        } catch (SocketTimeoutException e) {
            return "still connected after reading " + read / 1024 + " KiB (not cut off)";
        } catch (IOException e) {
            return "cut off by the server (" + read / 1024 + " KiB read, then " + e + ")";
        }
    }

    /** Samples VmRSS (KiB) every 100 ms. */
    private static final class Rss extends Thread {
        private final Path status;
        private volatile long current;
        private volatile long max;

        Rss(Path status) throws IOException {
            super("rss");
            setDaemon(true);
            this.status = status;
            this.current = read();
        }

        @Override
        public void run() {
            try {
                while (!isInterrupted()) {
                    long now = read();
                    current = now;
                    max = Math.max(max, now);
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the server exited, or we are done
            }
        }

        long current() {
            return current;
        }

        long max() {
            return max;
        }

        void resetMax() {
            max = current;
        }

        private long read() throws IOException {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip());
                }
            }
            throw new IOException("no VmRSS in " + status);
        }
    }
}
