package org.parley.session.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.parley.api.routing.StanzaRouter;
import org.parley.routing.internal.RoutingAccess;
import org.parley.xml.XmlStreamException;

/**
 * The session core's CPU for one XEP-0198 resumption, TLS and password checking aside (they are
 * the same as for any login, measured by the Tsung login scenario and the SCRAM benchmark): the
 * connection is lost, a new one opens its stream, authenticates (PLAIN, accepted without a
 * check), restarts the stream and resumes the detached session. Runs on the calling thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ResumptionBenchmark {
    private static final Pattern ID = Pattern.compile("id='([^']+)'");
    private SessionCore core;
    private StanzaRouter router;
    private MemoryConnection current;
    private String resumptionId;
    private byte[] login;
    private int round;

    @Setup
    public void setUp() throws Exception {
        var server = RoutingBenchmark.server();
        core = new SessionCore(null, SessionSettings.DEFAULTS, server, new RoutingBenchmark.NoHandoff(), new RoutingBenchmark.Direct());
        core.addMechanism(new RoutingBenchmark.AnyPlain(), Map.of());
        router = RoutingAccess.router(server);
        core.setRouter(router);
        RoutingAccess.bindSessions(router, core);
        String credentials = Base64.getEncoder().encodeToString("\0alice\0secret".getBytes(StandardCharsets.UTF_8));
        login = (RoutingBenchmark.HEADER + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>")
                .getBytes(StandardCharsets.UTF_8);
        current = new MemoryConnection("c0");
        current.attach(core.connected(current));
        current.receive(login);
        current.receive(RoutingBenchmark.HEADER + "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>phone</resource></bind></iq>"
                + "<enable xmlns='urn:xmpp:sm:3' resume='true'/><presence/>");
        Matcher m = ID.matcher(current.lastWrittenText());
        if (!current.lastWrittenText().contains("enabled") || !m.find()) {
            throw new IllegalStateException("stream management was not enabled: " + current.lastWrittenText());
        }
        resumptionId = m.group(1);
    }

    @TearDown
    public void tearDown() {
        core.deactivate(true);
        RoutingAccess.stop(router);
    }

    @Benchmark
    public int resume() throws XmlStreamException {
        current.handler().disconnected();
        MemoryConnection next = new MemoryConnection("c" + (++round));
        next.attach(core.connected(next));
        next.receive(login);
        next.receive(RoutingBenchmark.HEADER + "<resume xmlns='urn:xmpp:sm:3' previd='" + resumptionId + "' h='0'/>");
        if (!next.lastWrittenText().contains("resumed")) {
            throw new IllegalStateException("not resumed: " + next.lastWrittenText());
        }
        current = next;
        return round;
    }
}
