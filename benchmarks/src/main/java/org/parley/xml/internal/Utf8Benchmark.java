package org.parley.xml.internal;

import java.nio.charset.StandardCharsets;
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
import org.parley.benchmarks.ChatMessage;

/**
 * The stream parser's UTF-8 check alone, on the chat message of {@link org.parley.benchmarks.XmlParserBenchmark}
 * (all ASCII) and on its multibyte variant: what the check adds to each stanza parsed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Utf8Benchmark {
    private byte[] ascii;
    private byte[] multibyte;

    @Setup
    public void load() {
        ascii = ChatMessage.addressedTo("romeo@montague.example/orchard").getBytes(StandardCharsets.UTF_8);
        multibyte = ChatMessage.multibyte().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public int asciiStanza() {
        return Utf8.check(ascii, 0, ascii.length, Utf8.BETWEEN_CHARACTERS);
    }

    @Benchmark
    public int multibyteStanza() {
        return Utf8.check(multibyte, 0, multibyte.length, Utf8.BETWEEN_CHARACTERS);
    }
}
