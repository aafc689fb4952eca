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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Offline messages for one user who is away (XEP-0160): how fast a server stores COUNT chat
 * messages sent to that user by SENDERS other users, and how fast it hands them over when the
 * user comes back, with the server's CPU for each. Server-agnostic: STARTTLS and PLAIN, the way
 * the Tsung scenarios log in.
 *
 * <ul>
 * <li>Store: every sender writes its share back to back, then a ping; a server handles a
 * session's stanzas in order, so the ping's answer means its messages were dealt with (Parley
 * stores a message before it answers anything that came after it). The store time runs from the
 * first message to the last sender's answer.</li>
 * <li>Delivery: the recipient signs in without presence, then sends initial presence; the
 * delivery time runs from that presence to the last message. Each message is checked for a
 * XEP-0203 delay stamp, and each sender's messages for their order.</li>
 * <li>Then the recipient stays connected 5 s and leaves, and signs in once more: nothing may be
 * left.</li>
 * </ul>
 * Messages refused with an error are counted (a quota would refuse them).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.parley.benchmarks.OfflineFlood PORT DOMAIN SERVER_PID [COUNT [SENDERS [K]]]</pre>
 * Defaults: 10,000 messages, 4 senders, K = 1: the recipient is userK, the senders user(K+1)..user(K+SENDERS). A benchmark: it prints
 * figures, it does not pass or fail.
 */
public final class OfflineFlood {
    private static final Pattern SEQ = Pattern.compile("<body>m (\\d+) (\\d+)</body>");
    private static final Pattern PING = Pattern.compile("<iq([^>]*)>\\s*<ping xmlns=['\"]urn:xmpp:ping['\"]\\s*/>\\s*</iq>");
    private static final Pattern ID = Pattern.compile("\\bid=['\"]([^'\"]*)['\"]");
    private static final Pattern FROM = Pattern.compile("\\bfrom=['\"]([^'\"]*)['\"]");

    private OfflineFlood() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String domain = args[1];
        Path stat = Path.of("/proc", args[2], "stat");
        int count = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        int senders = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        int recipientNumber = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        String recipient = "user" + recipientNumber;
        int hz = 100;
        SSLContext tls = IdleSessions.trustingTls();
        String to = recipient + "@" + domain;

        int leftover = drain(tls, port, domain, recipient);
        if (leftover > 0) {
            System.out.println("drained " + leftover + " messages left from an earlier run");
        }

        List<IdleSessions.Session> from = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            int k = recipientNumber + 1 + i;
            from.add(IdleSessions.login(tls, port, domain, "user" + k, "pass" + k, 0));
        }
        Thread.sleep(1000);
        AtomicInteger errors = new AtomicInteger();
        long cpu0 = cpuTicks(stat);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            int sender = i;
            int share = count / senders + (i < count % senders ? 1 : 0);
            IdleSessions.Session s = from.get(i);
            Thread reader = new Thread(() -> awaitDone(s, errors), "reader " + i);
            reader.start();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.socket().getOutputStream();
                    StringBuilder batch = new StringBuilder();
                    for (int k = 1; k <= share; k++) {
                        batch.append("<message to='").append(to).append("' type='chat' id='o").append(k)
                                .append("'><body>m ").append(sender).append(' ').append(k).append("</body></message>");
                        if (k % 50 == 0 || k == share) {
                            IdleSessions.send(out, batch.toString());
                            batch.setLength(0);
                        }
                    }
                    IdleSessions.send(out, "<iq type='get' id='stored'><ping xmlns='urn:xmpp:ping'/></iq>");
                } catch (IOException e) {
                    System.out.println("sender " + sender + ": " + e);
                }
            }, "writer " + i);
            writer.start();
            threads.add(writer);
            threads.add(reader);
        }
        for (Thread t : threads) {
            t.join();
        }
        double storeSeconds = (System.nanoTime() - t0) / 1e9;
        long storeCpu = cpuTicks(stat) - cpu0;
        System.out.printf("STORE: %d messages from %d senders in %.2f s = %.0f msg/s; server CPU %.0f µs per message (%.2f s); %d refused with an error%n",
                count, senders, storeSeconds, count / storeSeconds, storeCpu * 1e6 / hz / count, storeCpu / (double) hz, errors.get());
        for (IdleSessions.Session s : from) {
            IdleSessions.send(s.socket().getOutputStream(), "</stream:stream>");
            s.socket().close();
        }
        Thread.sleep(2000);

        IdleSessions.Session r = IdleSessions.login(tls, port, domain, recipient, "pass" + recipient.replace("user", ""), 0, false);
        long cpu1 = cpuTicks(stat);
        long t1 = System.nanoTime();
        r.socket().setSoTimeout(30_000);
        IdleSessions.send(r.socket().getOutputStream(), "<presence/>");
        Received got = receive(r.socket().getInputStream(), r.socket().getOutputStream(), count, senders);
        double deliverSeconds = (got.lastAt - t1) / 1e9;
        long deliverCpu = cpuTicks(stat) - cpu1;
        System.out.printf("DELIVER: %d of %d messages in %.2f s = %.0f msg/s (first after %.1f ms); server CPU %.0f µs per message (%.2f s, to the last one); "
                + "%d with a delay stamp, %d out of order%n",
                got.messages, count, deliverSeconds, got.messages / deliverSeconds, (got.firstAt - t1) / 1e6,
                deliverCpu * 1e6 / hz / Math.max(1, got.messages), deliverCpu / (double) hz, got.delayed, got.outOfOrder);
        // Stay 5 s, answering pings: the server settles its deliveries (Parley deletes a message
        // when a ping sent after it is answered).
        r.socket().setSoTimeout(5_000);
        receive(r.socket().getInputStream(), r.socket().getOutputStream(), Integer.MAX_VALUE, 0);
        long settleCpu = cpuTicks(stat) - cpu1;
        System.out.printf("DELIVER+SETTLE: server CPU %.0f µs per message including the 5 s after the last one (%.2f s)%n",
                settleCpu * 1e6 / hz / Math.max(1, got.messages), settleCpu / (double) hz);
        IdleSessions.send(r.socket().getOutputStream(), "<presence type='unavailable'/></stream:stream>");
        r.socket().close();
        Thread.sleep(2000);
        System.out.println("AFTER: " + drain(tls, port, domain, recipient) + " messages still stored after delivery (expected 0)");
    }

    /** Signs in with presence and reads until the server has been quiet for 3 s; returns the messages received. */
    private static int drain(SSLContext tls, int port, String domain, String user) throws IOException, InterruptedException {
        IdleSessions.Session s = IdleSessions.login(tls, port, domain, user, "pass" + user.replace("user", ""), 0, false);
        s.socket().setSoTimeout(3_000);
        IdleSessions.send(s.socket().getOutputStream(), "<presence/>");
        Received got = receive(s.socket().getInputStream(), s.socket().getOutputStream(), Integer.MAX_VALUE, 0);
        Thread.sleep(2000);
        IdleSessions.send(s.socket().getOutputStream(), "<presence type='unavailable'/></stream:stream>");
        s.socket().close();
        return got.messages;
    }

    private static final class Received {
        int messages;
        int delayed;
        int outOfOrder;
        long firstAt;
        long lastAt;
    }

    /**
     * Counts messages until {@code expected} arrived or nothing came within the socket's timeout.
     * Stanzas are found by their end tag, carried across reads.
     */
    private static Received receive(InputStream in, OutputStream out, int expected, int senders) throws IOException {
        Received got = new Received();
        int[] last = new int[Math.max(1, senders)];
        StringBuilder pending = new StringBuilder();
        byte[] buf = new byte[65536];
        while (got.messages < expected) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException quiet) {
                break;
            }
            if (n < 0) {
                break;
            }
            pending.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            answerPings(pending, out);
            int end;
            while ((end = pending.indexOf("</message>")) >= 0) {
                String stanza = pending.substring(0, end);
                pending.delete(0, end + 10);
                got.messages++;
                long now = System.nanoTime();
                if (got.firstAt == 0) {
                    got.firstAt = now;
                }
                got.lastAt = now;
                if (stanza.contains("urn:xmpp:delay")) {
                    got.delayed++;
                }
                Matcher m = SEQ.matcher(stanza);
                if (m.find() && senders > 0) {
                    int sender = Integer.parseInt(m.group(1));
                    int seq = Integer.parseInt(m.group(2));
                    if (sender < last.length) {
                        if (seq <= last[sender]) {
                            got.outOfOrder++;
                        }
                        last[sender] = seq;
                    }
                }
            }
        }
        return got;
    }

    /**
     * Answers the server's pings (XEP-0199), as every client does: a server may count a message
     * as received only when a ping sent after it is answered (Parley does, without stream
     * management), and deliver it again otherwise.
     */
    private static void answerPings(StringBuilder pending, OutputStream out) throws IOException {
        Matcher m = PING.matcher(pending);
        StringBuilder answers = new StringBuilder();
        while (m.find()) {
            Matcher id = ID.matcher(m.group(1));
            Matcher from = FROM.matcher(m.group(1));
            if (id.find()) {
                answers.append("<iq type='result' id='").append(id.group(1)).append('\'')
                        .append(from.find() ? " to='" + from.group(1) + "'" : "").append("/>");
            }
        }
        if (answers.length() > 0) {
            String rest = PING.matcher(pending).replaceAll("");
            pending.setLength(0);
            pending.append(rest);
            IdleSessions.send(out, answers.toString());
        }
    }

    private static void awaitDone(IdleSessions.Session s, AtomicInteger errors) {
        Pattern done = Pattern.compile("<iq[^>]*id=['\"]stored['\"]");
        Pattern error = Pattern.compile("<message[^>]*type=['\"]error['\"]");
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[16384];
        try {
            InputStream in = s.socket().getInputStream();
            s.socket().setSoTimeout(600_000);
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                Matcher e = error.matcher(seen);
                int cut = 0;
                while (e.find()) {
                    errors.incrementAndGet();
                    cut = e.end();
                }
                if (done.matcher(seen).find()) {
                    return;
                }
                seen.delete(0, Math.max(cut, seen.length() > 200 ? seen.length() - 200 : 0));
            }
        } catch (IOException e) {
            System.out.println("reader: " + e);
        }
    }

    private static long cpuTicks(Path stat) throws IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
