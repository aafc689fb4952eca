package org.parley.routing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;

/** A line exists only while a stanza in it is pending, and one pair's line never holds another's stanzas. */
class PairLinesTest {
    private final PairLines lines = new PairLines();
    private final List<String> routed = new ArrayList<>();

    private static Stanza stanza(String id, String to) {
        return Stanza.create(Element.builder("presence", Namespaces.CLIENT).attribute("from", "alice@example.org/a")
                .attribute("to", to).attribute("id", id).build());
    }

    private CompletionStage<Void> route(Stanza s, CompletionStage<Void> outcome) {
        return lines.route(s, x -> {
            routed.add(x.id());
            return outcome;
        });
    }

    @Test
    void aStanzaRoutedAtOnceLeavesNoLineAndAPendingOneLeavesItsLineWhenDone() {
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        assertSame(done, route(stanza("p1", "bob@example.org"), done), "nothing is allocated on the common path");
        assertEquals(0, lines.size());

        CompletableFuture<Void> pending = new CompletableFuture<>();
        route(stanza("p2", "bob@example.org"), pending);
        route(stanza("p3", "bob@example.org"), done);
        route(stanza("p4", "carol@example.org"), done);
        assertEquals(List.of("p1", "p2", "p4"), routed, "p3 waits behind p2; carol's does not");
        assertEquals(1, lines.size());

        pending.complete(null);
        assertEquals(List.of("p1", "p2", "p4", "p3"), routed);
        assertEquals(0, lines.size(), "forgotten with its last stanza");
    }

    @Test
    void requestsAreNotLinedUpBehindEachOthersAnswers() {
        CompletableFuture<Void> unanswered = new CompletableFuture<>();
        Stanza first = Stanza.create(Element.builder("iq", Namespaces.CLIENT).attribute("from", "alice@example.org/a")
                .attribute("to", "example.org").attribute("id", "q1").attribute("type", "get")
                .child(Element.empty("query", "jabber:iq:version")).build());
        route(first, unanswered);
        route(Stanza.create(first.element().toBuilder().attribute("id", "q2").build()), CompletableFuture.completedFuture(null));
        assertEquals(List.of("q1", "q2"), routed);
        assertEquals(0, lines.size());
    }
}
