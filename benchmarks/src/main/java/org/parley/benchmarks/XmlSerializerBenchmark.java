package org.parley.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.parley.api.stanza.Element;
import org.parley.xml.XmlSerializer;

/**
 * Stanzas per second serialized: the chat message to UTF-8 bytes, appended to a reused builder,
 * and as the copies of a fan-out (one message, a hundred recipients' {@code to}), which the
 * serializer writes once and splices.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class XmlSerializerBenchmark {
    private static final int RECIPIENTS = 100;

    private Element message;
    private StringBuilder out;
    /** The copies of one message, as a room of 100 makes them: the same children, each its own {@code to}. */
    private Element[] copies;
    private int nextCopy;

    @Setup
    public void setUp() {
        message = ChatMessage.element();
        out = new StringBuilder(512);
        copies = new Element[RECIPIENTS];
        for (int i = 0; i < RECIPIENTS; i++) {
            copies[i] = message.withAttribute("to", "user" + i + "@capulet.example/phone");
        }
    }

    @Benchmark
    public byte[] toBytes() {
        return XmlSerializer.toBytes(message);
    }

    @Benchmark
    public StringBuilder writeToReusedBuilder() {
        out.setLength(0);
        XmlSerializer.write(message, out);
        return out;
    }

    /** One copy of a fan-out per call, the recipients in turn. */
    @Benchmark
    public byte[] copyOfAFanOut() {
        Element copy = copies[nextCopy];
        nextCopy = nextCopy + 1 == RECIPIENTS ? 0 : nextCopy + 1;
        return XmlSerializer.toBytes(copy);
    }
}
