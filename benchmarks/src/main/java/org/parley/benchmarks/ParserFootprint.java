package org.parley.benchmarks;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import org.parley.xml.XmlStreamException;
import org.parley.xml.XmppStreamParser;

/**
 * Measures the heap one stream parser retains, as the average over many parsers of the heap
 * growth after full collections (no agent needed). For each state, N parsers are made; each gets
 * the stream header and one chat message:
 *
 * <ul>
 *   <li>fresh: constructed, nothing fed</li>
 *   <li>active: after the message, reader kept (a busy connection between stanzas)</li>
 *   <li>active, unusual name: the message also carries an element name outside the seeded name
 *       table, so the reader copies its table (a client using some less common extension)</li>
 *   <li>compacted: {@link XmppStreamParser#compact()} called after the message (an idle connection)</li>
 * </ul>
 *
 * <p>Run with the parallel collector and a fixed heap, which account exactly after a full
 * collection (the serial collector's figures drift by tens of bytes per object here):
 * {@code java -XX:+UseParallelGC -Xms512m -Xmx512m -cp benchmarks/target/benchmarks.jar org.parley.benchmarks.ParserFootprint [N]}
 */
public final class ParserFootprint {
    private static final XmppStreamParser.Listener SINK = new ChatMessage.Sink();

    private ParserFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        byte[] header = ChatMessage.header();
        byte[] stanza = ChatMessage.stanza();
        byte[] unusual = ChatMessage.STANZA.replace("</message>", "<thumbnail xmlns='urn:xmpp:thumbs:1'/></message>")
                .getBytes(StandardCharsets.UTF_8);
        // warm up class loading and the shared aalto factory before measuring
        measure(100, header, stanza, false);
        System.out.printf("parsers: %d; bytes retained per parser (the parser array excluded), three rounds%n", n);
        for (int round = 0; round < 3; round++) {
            System.out.printf("fresh %6.0f | active %6.0f | active, unusual name %6.0f | compacted %6.0f | compacted after unusual name %6.0f%n",
                    measure(n, null, null, false), measure(n, header, stanza, false), measure(n, header, unusual, false),
                    measure(n, header, stanza, true), measure(n, header, unusual, true));
        }
    }

    private static double measure(int n, byte[] header, byte[] stanza, boolean compact) throws XmlStreamException {
        XmppStreamParser[] parsers = new XmppStreamParser[n];
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            XmppStreamParser parser = new XmppStreamParser(XmppStreamParser.Limits.DEFAULT, SINK);
            if (header != null) {
                parser.feed(header, 0, header.length);
                parser.feed(stanza, 0, stanza.length);
            }
            if (compact && !parser.compact()) {
                throw new IllegalStateException("compact() refused between stanzas");
            }
            parsers[i] = parser;
        }
        long after = usedAfterGc();
        Reference.reachabilityFence(parsers);
        return (after - before) / (double) n;
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        // repeat until a collection frees nothing more
        for (int i = 0; i < 10; i++) {
            System.gc();
            long now = rt.totalMemory() - rt.freeMemory();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
