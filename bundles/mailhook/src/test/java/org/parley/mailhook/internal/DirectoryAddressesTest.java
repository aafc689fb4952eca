package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.vcard.VCardSource;

/** The directory's mail address for a user, through its vCard source, before the template. */
class DirectoryAddressesTest {
    private static Element email(String userid, String... kinds) {
        Element.Builder e = Element.builder("EMAIL", "vcard-temp");
        for (String k : kinds) {
            e.child(Element.empty(k, "vcard-temp"));
        }
        return e.textChild("USERID", userid).build();
    }

    private static VCardSource source(Element... fields) {
        Element.Builder v = Element.builder("vCard", "vcard-temp");
        for (Element f : fields) {
            v.child(f);
        }
        Element vCard = v.build();
        return username -> CompletableFuture.completedFuture(username.equals("alice") ? Optional.of(vCard) : Optional.empty());
    }

    private static Optional<String> address(List<VCardSource> sources, String user) {
        return new DirectoryAddresses(() -> sources).address(JidCreate.entityBareFromOrThrowUnchecked(user + "@example.edu"));
    }

    @Test
    void thePreferredAddressWins_thenWork_thenTheFirst() {
        assertEquals(Optional.of("a.liddell@example.edu"),
                address(List.of(source(email("home@example.net", "HOME"), email("a.liddell@example.edu", "PREF", "INTERNET"))), "alice"));
        assertEquals(Optional.of("work@example.edu"),
                address(List.of(source(email("home@example.net", "HOME"), email("work@example.edu", "WORK"))), "alice"));
        assertEquals(Optional.of("only@example.edu"), address(List.of(source(email("only@example.edu"))), "alice"));
    }

    @Test
    void noSourceKnowsTheUserOrOneFails_soTheTemplateDecides() {
        assertEquals(Optional.empty(), address(List.of(source(email("a@example.edu"))), "bob"));
        assertEquals(Optional.empty(), address(List.of(), "alice"));
        VCardSource down = username -> CompletableFuture.failedFuture(new IllegalStateException("the directory is down"));
        assertEquals(Optional.empty(), address(List.of(down), "alice"));
        assertEquals(Optional.of("a@example.edu"), address(List.of(down, source(email("a@example.edu"))), "alice"),
                "the next source is asked");
        assertEquals(Optional.empty(), address(List.of(source(Element.builder("FN", "vcard-temp").text("Alice").build())), "alice"),
                "a vCard without a mail address");
    }
}
