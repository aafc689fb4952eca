package org.parley.session.internal;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jxmpp.JxmppContext;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.jid.internal.PrecisStringprepInstaller;
import org.parley.routing.internal.RoutingAccess;

/**
 * The heap the session core and routing keep per idle session, TLS and the parser aside (those are
 * the transport's): N sessions opened with the bytes a client sends over in-memory connections
 * (header, PLAIN, header, bind, initial presence), then the heap growth after full collections,
 * without and with stream management enabled (resumable, an empty queue). Compare with the
 * whole server's figure from the Tsung capacity run (docs/PERFORMANCE.md).
 *
 * <pre>java -XX:+UseParallelGC -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar org.parley.session.internal.SessionFootprint [N]</pre>
 */
public final class SessionFootprint {
    private static final String HEADER = RoutingBenchmark.HEADER;

    static {
        JxmppContext.setDefaultXmppStringprep(new PrecisStringprepInstaller());
    }

    private SessionFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        System.out.printf("sessions: %d; bytes per session (the connection objects of the probe excluded)%n", n);
        for (int round = 0; round < 3; round++) {
            System.out.printf("round %d: plain %d, with stream management %d%n", round, measure(n, false), measure(n, true));
        }
    }

    private static long measure(int n, boolean sm) throws Exception {
        ServerInfo server = RoutingBenchmark.server();
        SessionCore core = new SessionCore(null, SessionSettings.DEFAULTS, server, new RoutingBenchmark.NoHandoff(), null);
        core.addMechanism(new RoutingBenchmark.AnyPlain(), Map.of());
        StanzaRouter router = RoutingAccess.router(server);
        core.setRouter(router);
        RoutingAccess.bindSessions(router, core);
        List<MemoryConnection> connections = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            connections.add(new MemoryConnection("c" + i));
        }
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            MemoryConnection c = connections.get(i);
            c.attach(core.connected(c));
            String credentials = Base64.getEncoder().encodeToString(("\0user" + i + "\0x").getBytes(StandardCharsets.UTF_8));
            c.receive(HEADER + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
            awaitWritten(c, "success");
            c.receive(HEADER + "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r</resource></bind></iq>"
                    + (sm ? "<enable xmlns='urn:xmpp:sm:3' resume='true'/>" : "") + "<presence/>");
            c.compactParser();
        }
        while (core.count() < n) {
            Thread.sleep(10);
        }
        for (MemoryConnection c : connections) {
            c.forgetWritten();
        }
        Thread.sleep(500); // the last steps and ack timers settle
        long after = usedAfterGc();
        long perSession = (after - before) / n;
        if (Boolean.getBoolean("footprint.hold")) {
            // -Dfootprint.hold=true: time to take a class histogram (jcmd <pid> GC.class_histogram)
            System.out.println("holding " + n + " sessions for 20 s");
            Thread.sleep(20_000);
        }
        core.deactivate(true);
        RoutingAccess.stop(router);
        return perSession;
    }

    private static void awaitWritten(MemoryConnection c, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!c.lastWrittenText().contains(text) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
