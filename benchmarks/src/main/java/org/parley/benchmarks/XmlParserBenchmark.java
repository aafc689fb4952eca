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
import org.parley.xml.XmlStreamException;
import org.parley.xml.XmppStreamParser;

/**
 * Stanzas per second through one long-lived stream parser (as on a busy connection): the chat
 * message arrives whole in one buffer, or in three fragments, or with a body of multibyte text
 * (where the UTF-8 check cannot skip ASCII eight bytes at a time); and the cost of resuming from
 * {@link XmppStreamParser#compact()}. The parser's periodic reader renewal (after 64 KiB of
 * markup) is part of what is measured. And a headline with a 16 KiB body, the flood of issue 8's
 * memory bound: run with {@code -prof gc} for the bytes it allocates per message.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class XmlParserBenchmark {
    private final Last last = new Last();
    private XmppStreamParser parser;
    private byte[] stanza;
    private byte[] multibyteStanza;
    private byte[] largeBodyStanza;
    private int firstCut;
    private int secondCut;

    @Setup
    public void openStream() throws XmlStreamException {
        parser = new XmppStreamParser(XmppStreamParser.Limits.DEFAULT, last);
        byte[] header = ChatMessage.header();
        parser.feed(header, 0, header.length);
        stanza = ChatMessage.stanza();
        multibyteStanza = ChatMessage.multibyteStanza();
        largeBodyStanza = ("<message to='reader@example.org' type='headline'><body>" + "0123456789abcdef".repeat(1024)
                + "</body></message>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // cuts inside the body text and inside an extension's start tag
        firstCut = ChatMessage.STANZA.indexOf("Montague");
        secondCut = ChatMessage.STANZA.indexOf("urn:xmpp:receipts");
    }

    @Benchmark
    public Element oneBuffer() throws XmlStreamException {
        parser.feed(stanza, 0, stanza.length);
        return last.element;
    }

    @Benchmark
    public Element multibyteBody() throws XmlStreamException {
        parser.feed(multibyteStanza, 0, multibyteStanza.length);
        return last.element;
    }

    @Benchmark
    public Element largeBody() throws XmlStreamException {
        parser.feed(largeBodyStanza, 0, largeBodyStanza.length);
        return last.element;
    }

    @Benchmark
    public Element threeFragments() throws XmlStreamException {
        parser.feed(stanza, 0, firstCut);
        parser.feed(stanza, firstCut, secondCut - firstCut);
        parser.feed(stanza, secondCut, stanza.length - secondCut);
        return last.element;
    }

    /**
     * An idle connection's first stanza: the parser was compacted, so this feed makes a new aalto
     * reader and primes it with the stream's open tag before parsing the stanza.
     */
    @Benchmark
    public Element oneBufferAfterCompact() throws XmlStreamException {
        parser.compact();
        parser.feed(stanza, 0, stanza.length);
        return last.element;
    }

    /** Keeps the last element, which the benchmark returns so that JMH consumes it. */
    static final class Last extends ChatMessage.Sink {
        Element element;

        @Override
        public void element(Element e) {
            element = e;
        }
    }
}
