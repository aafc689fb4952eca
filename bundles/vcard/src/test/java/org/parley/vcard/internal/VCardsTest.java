package org.parley.vcard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.server.TestWorkers;
import org.parley.api.session.TestSession;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.vcard.VCardSource;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** vCards on a real embedded H2 database; {@link PostgresVCardsTest} runs the same on PostgreSQL. */
class VCardsTest {
    private static final String NS = VCards.NAMESPACE;
    /** The first bytes of a PNG, then filler: what the server sees of an avatar. */
    private static final byte[] PNG = png(2_000);

    @TempDir
    Path data;
    private TestSqlDatabase database;
    private TestWorkers workers;
    private VCardStore store;
    private final List<VCardSource> sources = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private VCards vcards;

    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.h2(data);
    }

    @BeforeEach
    void setUp() {
        database = newDatabase();
        workers = new TestWorkers();
        store = new VCardStore(database);
        store.migrate();
        vcards = new VCards(store, workers, () -> List.copyOf(sources), nanos::get);
    }

    @AfterEach
    void tearDown() throws Exception {
        workers.close();
        database.shutdown();
    }

    private static byte[] png(int size) {
        byte[] b = new byte[size];
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        System.arraycopy(magic, 0, b, 0, magic.length);
        for (int i = magic.length; i < size; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    private static Element photo(byte[] image, boolean wrapped) {
        String base64 = wrapped ? Base64.getMimeEncoder().encodeToString(image) : Base64.getEncoder().encodeToString(image);
        return Element.builder("PHOTO", NS).textChild("TYPE", "image/png").textChild("BINVAL", base64).build();
    }

    private static Element vCard(Element... fields) {
        Element.Builder v = Element.builder("vCard", NS);
        for (Element f : fields) {
            v.child(f);
        }
        return v.build();
    }

    private static Element text(String name, String value) {
        return Element.builder(name, NS).text(value).build();
    }

    private Stanza ask(String from, String to, String type, Element vCard) throws Exception {
        Element.Builder iq = Element.builder("iq", Namespaces.CLIENT).attribute("type", type).attribute("id", "v")
                .attribute("from", from + "@example.org/r");
        if (to != null) {
            iq.attribute("to", to);
        }
        Stanza request = Stanza.create(iq.child(vCard).build());
        return vcards.handle(request, new TestSession(from + "@example.org/r")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String hash(String username) throws Exception {
        return vcards.shownPhotoHash(username).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAccountsVCardIsStoredWhole_readByAnyone_andReplacedByTheNextSet() throws Exception {
        Element mine = vCard(text("FN", "Alice Liddell"), text("NICKNAME", "al & co"), photo(PNG, true));
        assertEquals("result", ask("alice", null, "set", mine).type());
        assertEquals(mine, ask("alice", null, "get", Element.empty("vCard", NS)).payload(), "her own, as she stored it");
        assertEquals(mine, ask("bob", "alice@example.org", "get", Element.empty("vCard", NS)).payload(), "anyone reads it");

        Element replaced = vCard(text("NICKNAME", "Ally"));
        ask("alice", "alice@example.org", "set", replaced);
        assertEquals(replaced, ask("bob", "alice@example.org", "get", Element.empty("vCard", NS)).payload());
    }

    @Test
    void anAccountWithoutOneHasAnEmptyVCard() throws Exception {
        Stanza answer = ask("bob", "carol@example.org", "get", Element.empty("vCard", NS));
        assertEquals("result", answer.type());
        assertEquals(Element.empty("vCard", NS), answer.payload());
    }

    @Test
    void changingSomeoneElsesVCardIsForbidden_andLeavesTheirsAlone() throws Exception {
        Element hers = vCard(text("FN", "Alice"));
        ask("alice", null, "set", hers);
        Stanza refused = ask("mallory", "alice@example.org", "set", vCard(text("FN", "pwned")));
        assertEquals(StanzaErrorCondition.FORBIDDEN, refused.errorCondition());
        assertEquals(hers, ask("bob", "alice@example.org", "get", Element.empty("vCard", NS)).payload());
    }

    @Test
    void anOversizedPhotoIsRefusedWithItsSize_andTheStoredVCardStays() throws Exception {
        Element before = vCard(text("FN", "Alice"));
        ask("alice", null, "set", before);
        vcards.maxPhotoBytes(1_000);
        Stanza refused = ask("alice", null, "set", vCard(text("FN", "Alice"), photo(PNG, false)));
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, refused.errorCondition());
        Element text = refused.element().child("error", Namespaces.CLIENT).child("text", Namespaces.STANZAS_ERROR);
        assertTrue(text != null && text.text().contains("2000") && text.text().contains("1000"), "says how big it is and may be: " + text);
        assertEquals(before, ask("alice", null, "get", Element.empty("vCard", NS)).payload(), "nothing changed");
    }

    @Test
    void aPhotoThatIsNotBase64IsABadRequest() throws Exception {
        Element broken = Element.builder("PHOTO", NS).textChild("TYPE", "image/png").textChild("BINVAL", "not*base64!").build();
        assertEquals(StanzaErrorCondition.BAD_REQUEST, ask("alice", null, "set", vCard(broken)).errorCondition());
        assertEquals(StanzaErrorCondition.BAD_REQUEST, ask("alice", null, "set", Element.empty("query", NS)).errorCondition());
    }

    @Test
    void theServerItselfHasNoVCard() throws Exception {
        assertEquals(StanzaErrorCondition.ITEM_NOT_FOUND, ask("alice", "example.org", "get", Element.empty("vCard", NS)).errorCondition());
    }

    @Test
    void thePhotoHashIsTheSha1OfTheImage_emptyWithoutOne_andFollowsAChange() throws Exception {
        assertEquals("", hash("alice"), "no vCard: no photo");
        ask("alice", null, "set", vCard(photo(PNG, true)));
        assertEquals(VCards.sha1(PNG), hash("alice"));
        byte[] other = png(3_000);
        ask("alice", null, "set", vCard(photo(other, false)));
        assertEquals(VCards.sha1(other), hash("alice"), "a set forgets the cached hash");
        ask("alice", null, "set", vCard(text("FN", "no photo now")));
        assertEquals("", hash("alice"));
    }

    @Test
    void aSourcesFieldsReplaceTheUsersOwn_andTheRestStays() throws Exception {
        byte[] directoryPhoto = png(500);
        Map<String, Element> directory = new ConcurrentHashMap<>();
        directory.put("alice", vCard(text("FN", "Alice Liddell"), photo(directoryPhoto, false)));
        sources.add(username -> CompletableFuture.completedFuture(Optional.ofNullable(directory.get(username))));

        ask("alice", null, "set", vCard(text("FN", "Queen of Hearts"), text("NICKNAME", "Ally"), photo(PNG, false)));
        Element shown = ask("bob", "alice@example.org", "get", Element.empty("vCard", NS)).payload();
        assertEquals("Alice Liddell", shown.childText("FN"), "the directory's name");
        assertEquals("Ally", shown.childText("NICKNAME"), "her own nickname");
        assertEquals(1, shown.elements().stream().filter(e -> e.name().equals("PHOTO")).count());
        assertEquals(VCards.sha1(directoryPhoto), hash("alice"), "the photo shown is the directory's");

        // An account the source does not know keeps its own vCard whole.
        Element bobs = vCard(text("FN", "Bob"), photo(PNG, false));
        ask("bob", null, "set", bobs);
        assertEquals(bobs, ask("alice", "bob@example.org", "get", Element.empty("vCard", NS)).payload());
        assertEquals(VCards.sha1(PNG), hash("bob"));
    }

    @Test
    void aSourceThatFailsLeavesTheUsersOwnVCard() throws Exception {
        sources.add(username -> CompletableFuture.failedFuture(new IllegalStateException("the directory is down")));
        Element mine = vCard(text("FN", "Alice"));
        ask("alice", null, "set", mine);
        assertEquals(mine, ask("bob", "alice@example.org", "get", Element.empty("vCard", NS)).payload());
    }

    @Test
    void theFirstSourceThatKnowsTheAccountWins() throws Exception {
        sources.add(username -> CompletableFuture.completedFuture(Optional.empty()));
        sources.add(username -> CompletableFuture.completedFuture(Optional.of(vCard(text("FN", "second")))));
        sources.add(username -> CompletableFuture.completedFuture(Optional.of(vCard(text("FN", "third")))));
        assertEquals("second", ask("bob", "alice@example.org", "get", Element.empty("vCard", NS)).payload().childText("FN"));
    }

    @Test
    void aCachedHashIsLookedUpAgainAfterItsTimeToLive() throws Exception {
        Map<String, Element> directory = new ConcurrentHashMap<>();
        sources.add(username -> CompletableFuture.completedFuture(Optional.ofNullable(directory.get(username))));
        assertEquals("", hash("alice"));
        directory.put("alice", vCard(photo(PNG, false)));
        assertEquals("", hash("alice"), "cached");
        nanos.addAndGet(VCards.HASH_TTL_NANOS);
        assertEquals(VCards.sha1(PNG), hash("alice"), "the directory's new photo shows within the time to live");
    }

    @Test
    void aDeletedAccountsVCardGoesWithIt() throws Exception {
        ask("dave", null, "set", vCard(text("FN", "Dave"), photo(PNG, false)));
        assertEquals(VCards.sha1(PNG), hash("dave"));
        vcards.deleted("dave");
        assertNull(store.get("dave"));
        assertEquals(Element.empty("vCard", NS), ask("bob", "dave@example.org", "get", Element.empty("vCard", NS)).payload());
        assertEquals("", hash("dave"));
    }
}
