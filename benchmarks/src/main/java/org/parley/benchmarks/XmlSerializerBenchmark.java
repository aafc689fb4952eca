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

/** Stanzas per second serialized: the chat message to UTF-8 bytes, and appended to a reused builder. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class XmlSerializerBenchmark {
    private Element message;
    private StringBuilder out;

    @Setup
    public void setUp() {
        message = ChatMessage.element();
        out = new StringBuilder(512);
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
}
