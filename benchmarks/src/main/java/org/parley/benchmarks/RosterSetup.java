package org.parley.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Gives users user1..userN rosters of CONTACTS contacts each, subscribed both ways, through the
 * protocol only (RFC 6121 §3), so the same setup serves any server: in a first pass every user
 * signs in and asks each contact for a subscription (stored as pending for contacts who are
 * offline); in a second pass every user approves its contacts' requests. Then it signs in a
 * sample of users and checks their rosters.
 *
 * <p>The contacts are fixed so that the presence scenario (itests/bench/tsung/scenarios/presence.xml),
 * which signs in user1..user(N/2), finds every online user with exactly half of its contacts
 * online: see {@link #contacts}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.parley.benchmarks.RosterSetup PORT DOMAIN N [CONTACTS [PARALLEL [OFFSET [--check]]]]</pre>
 * Defaults: 50 contacts, 8 connections at a time, offset 0. The users are user(OFFSET+1)..user(OFFSET+N)
 * (passwords passK), which must exist; below, user u means user(OFFSET+u). With --check, only the
 * check (for rosters written another way: Prosody's, by itests/bench/tsung/prosody/gen_prosody_rosters.py).
 */
public final class RosterSetup {
    private static final Pattern ITEM = Pattern.compile("<item [^>]*>");
    private static final Pattern BOTH = Pattern.compile("subscription=['\"]both['\"]");

    private RosterSetup() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String domain = args[1];
        int n = Integer.parseInt(args[2]);
        int contacts = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        int parallel = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        int offset = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        boolean checkOnly = args.length > 6 && args[6].equals("--check");
        SSLContext tls = IdleSessions.trustingTls();
        for (String type : checkOnly ? new String[0] : new String[] {"subscribe", "subscribed"}) {
            long start = System.nanoTime();
            AtomicInteger done = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            List<Future<?>> results = new ArrayList<>();
            for (int u = 1; u <= n; u++) {
                int user = u;
                results.add(pool.submit(() -> {
                    // Idempotent: asking or approving again changes nothing, so a session that
                    // failed (a loaded machine, a timeout) is simply done again.
                    for (int attempt = 1;; attempt++) {
                        try {
                            sendToContacts(tls, port, domain, user, n, contacts, offset, type);
                            break;
                        } catch (IOException e) {
                            if (attempt == 3) {
                                throw e;
                            }
                            System.out.printf("user%d: %s; again%n", offset + user, e);
                        }
                    }
                    int d = done.incrementAndGet();
                    if (d % 250 == 0) {
                        System.out.printf("%s: %d users (%.0f s)%n", type, d, (System.nanoTime() - start) / 1e9);
                    }
                    return null;
                }));
            }
            try {
                for (Future<?> f : results) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
            System.out.printf("pass '%s' done: %d users x %d contacts in %.0f s%n", type, n, contacts, (System.nanoTime() - start) / 1e9);
        }
        // The check: a sample of users, each must see exactly its contacts, all subscribed both ways.
        int bad = 0;
        int step = Math.max(1, n / 25);
        for (int user = 1; user <= n; user += step) {
            String roster = roster(tls, port, domain, offset + user);
            int items = count(ITEM, roster);
            int both = count(BOTH, roster);
            if (items != contacts || both != contacts) {
                bad++;
                System.out.printf("user%d: %d items, %d with subscription both (expected %d)%n", offset + user, items, both, contacts);
            }
        }
        System.out.println(bad == 0 ? "ROSTERS OK: sampled users have " + contacts + " contacts, all 'both'" : "ROSTERS WRONG for " + bad + " sampled users");
        if (bad > 0) {
            System.exit(1);
        }
    }

    /**
     * User u's contacts among user1..userN. The first half (the users the presence scenario signs
     * in) and the second half each form a circulant graph of degree C/2 (neighbours at distance
     * 1..C/4 both ways, plus the opposite user when C/2 is odd), and user a of the first half is
     * linked to users a..a+C/2-1 of the second: every user has C contacts, the relation is
     * symmetric, and a user of the first half has C/2 contacts in it.
     */
    static List<Integer> contacts(int u, int n, int c) {
        int h = n / 2;
        int d = c / 2;
        boolean first = u <= h;
        int a = first ? u - 1 : u - 1 - h;
        int base = first ? 0 : h;
        int other = first ? h : 0;
        List<Integer> out = new ArrayList<>(c);
        for (int k = 1; k <= d / 2; k++) {
            out.add(base + Math.floorMod(a + k, h) + 1);
            out.add(base + Math.floorMod(a - k, h) + 1);
        }
        if (d % 2 == 1) {
            out.add(base + Math.floorMod(a + h / 2, h) + 1);
        }
        for (int k = 0; k < d; k++) {
            out.add(other + Math.floorMod(first ? a + k : a - k, h) + 1);
        }
        return out;
    }

    private static void sendToContacts(SSLContext tls, int port, String domain, int user, int n, int c, int offset, String type)
            throws IOException {
        IdleSessions.Session s = IdleSessions.login(tls, port, domain, "user" + (offset + user), "pass" + (offset + user), 0, false);
        try {
            StringBuilder batch = new StringBuilder();
            for (int contact : contacts(user, n, c)) {
                batch.append("<presence to='user").append(offset + contact).append('@').append(domain).append("' type='").append(type).append("'/>");
            }
            // Each session's stanzas are handled in order: the answer to the ping means all were.
            batch.append("<iq type='get' id='done'><ping xmlns='urn:xmpp:ping'/></iq>");
            s.socket().setSoTimeout(180_000);
            OutputStream out = s.socket().getOutputStream();
            IdleSessions.send(out, batch.toString());
            readUntil(s.socket().getInputStream(), Pattern.compile("<iq[^>]*id=['\"]done['\"]"));
            IdleSessions.send(out, "</stream:stream>");
        } finally {
            s.socket().close();
        }
    }

    private static String roster(SSLContext tls, int port, String domain, int user) throws IOException {
        IdleSessions.Session s = IdleSessions.login(tls, port, domain, "user" + user, "pass" + user, 0, false);
        try {
            IdleSessions.send(s.socket().getOutputStream(), "<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>");
            String seen = readUntil(s.socket().getInputStream(), Pattern.compile("<iq[^>]*id=['\"]roster['\"][^>]*(/>|>.*?</iq>)", Pattern.DOTALL));
            return seen.substring(seen.indexOf("id='roster'") >= 0 ? seen.indexOf("id='roster'") : seen.indexOf("id=\"roster\""));
        } finally {
            s.socket().close();
        }
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int found = 0;
        while (m.find()) {
            found++;
        }
        return found;
    }

    private static String readUntil(InputStream in, Pattern done) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[16384];
        while (!done.matcher(seen).find()) {
            int r = in.read(buf);
            if (r < 0) {
                throw new IOException("closed before " + done + ": " + seen);
            }
            seen.append(new String(buf, 0, r, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }
}
