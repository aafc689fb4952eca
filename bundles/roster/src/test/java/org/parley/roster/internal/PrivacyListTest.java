package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StanzaErrorCondition;

/** XEP-0016 list evaluation (section 2.2: ordering, first match, types, stanza kinds), parsing and its refusals, and blocks as default-list items. */
class PrivacyListTest {
    private static Jid jid(String s) {
        return JidCreate.fromOrThrowUnchecked(s);
    }

    private static Element item(String type, String value, String action, String order, String... kinds) {
        Element.Builder b = Element.builder("item", Privacy.NAMESPACE).attribute("type", type).attribute("value", value)
                .attribute("action", action).attribute("order", order);
        for (String k : kinds) {
            b.child(Element.empty(k, Privacy.NAMESPACE));
        }
        return b.build();
    }

    private static PrivacyList list(Element... items) {
        return Privacy.parse("l", Element.builder("list", Privacy.NAMESPACE).attribute("name", "l").children(List.of(items)).build(),
                Privacy.ListLimits.DEFAULTS);
    }

    private static RosterItem contact(String jid, Subscription s, String... groups) {
        return new RosterItem(jid, null, List.of(groups), s, false, false, null, false, true);
    }

    @Test
    void itemsAreTriedInAscendingOrderAndTheFirstMatchDecides() {
        // Sent in the wrong order on purpose: order, not position, decides.
        PrivacyList l = list(item(null, null, "deny", "20"), item("jid", "tybalt@example.com", "allow", "3"));
        assertFalse(l.denies(jid("tybalt@example.com/pda"), PrivacyItem.MESSAGE, null), "the allow at 3 comes before the fall-through deny");
        assertTrue(l.denies(jid("romeo@example.net"), PrivacyItem.MESSAGE, null));
        assertEquals(3, l.items().get(0).order());
    }

    @Test
    void withNoMatchingItemTheStanzaIsAllowed() {
        PrivacyList l = list(item("jid", "tybalt@example.com", "deny", "1"));
        assertNull(l.decide(jid("juliet@example.com"), PrivacyItem.MESSAGE, null));
        assertFalse(l.denies(jid("juliet@example.com"), PrivacyItem.IQ, null));
    }

    @Test
    void jidItemsMatchAsSection21Says() {
        PrivacyList bare = list(item("jid", "tybalt@example.com", "deny", "1"));
        assertTrue(bare.denies(jid("tybalt@example.com"), PrivacyItem.MESSAGE, null));
        assertTrue(bare.denies(jid("tybalt@example.com/any"), PrivacyItem.MESSAGE, null));
        PrivacyList full = list(item("jid", "tybalt@example.com/pda", "deny", "1"));
        assertTrue(full.denies(jid("tybalt@example.com/pda"), PrivacyItem.MESSAGE, null));
        assertFalse(full.denies(jid("tybalt@example.com/laptop"), PrivacyItem.MESSAGE, null));
        PrivacyList domain = list(item("jid", "example.com", "deny", "1"));
        assertTrue(domain.denies(jid("anyone@example.com/x"), PrivacyItem.MESSAGE, null));
        assertFalse(domain.denies(jid("anyone@example.org"), PrivacyItem.MESSAGE, null));
    }

    @Test
    void groupItemsMatchContactsInThatRosterGroup() {
        PrivacyList l = list(item("group", "Enemies", "deny", "4"));
        assertTrue(l.denies(jid("tybalt@example.com"), PrivacyItem.MESSAGE, contact("tybalt@example.com", Subscription.BOTH, "Enemies")));
        assertFalse(l.denies(jid("mercutio@example.com"), PrivacyItem.MESSAGE, contact("mercutio@example.com", Subscription.BOTH, "Friends")));
        assertFalse(l.denies(jid("stranger@example.com"), PrivacyItem.MESSAGE, null), "not in the roster: in no group");
        assertTrue(l.needsRoster());
    }

    @Test
    void subscriptionNoneIncludesEntitiesNotInTheRoster() {
        PrivacyList l = list(item("subscription", "none", "deny", "5"));
        assertTrue(l.denies(jid("stranger@example.com"), PrivacyItem.MESSAGE, null));
        assertTrue(l.denies(jid("asked@example.com"), PrivacyItem.MESSAGE, contact("asked@example.com", Subscription.NONE)));
        assertFalse(l.denies(jid("friend@example.com"), PrivacyItem.MESSAGE, contact("friend@example.com", Subscription.BOTH)));
        PrivacyList both = list(item("subscription", "both", "allow", "10"), item(null, null, "deny", "15"));
        assertFalse(both.denies(jid("friend@example.com"), PrivacyItem.IQ, contact("friend@example.com", Subscription.BOTH)));
        assertTrue(both.denies(jid("fan@example.com"), PrivacyItem.IQ, contact("fan@example.com", Subscription.FROM)));
    }

    @Test
    void childElementsLimitAnItemToThoseStanzaKinds() {
        PrivacyList l = list(item("jid", "tybalt@example.com", "deny", "1", "message"), item("jid", "paris@example.org", "deny", "2", "presence-out"),
                item("jid", "iago@example.org", "deny", "3", "presence-in", "iq"));
        Jid tybalt = jid("tybalt@example.com");
        assertTrue(l.denies(tybalt, PrivacyItem.MESSAGE, null));
        assertFalse(l.denies(tybalt, PrivacyItem.IQ, null));
        assertFalse(l.denies(tybalt, PrivacyItem.PRESENCE_IN, null));
        assertFalse(l.denies(tybalt, PrivacyItem.OTHER, null), "a subscription request is not a message");
        assertTrue(l.denies(jid("paris@example.org"), PrivacyItem.PRESENCE_OUT, null));
        assertFalse(l.denies(jid("paris@example.org"), PrivacyItem.PRESENCE_IN, null));
        assertTrue(l.denies(jid("iago@example.org"), PrivacyItem.PRESENCE_IN, null));
        assertTrue(l.denies(jid("iago@example.org"), PrivacyItem.IQ, null));
        assertFalse(l.denies(jid("iago@example.org"), PrivacyItem.MESSAGE, null));
        // No child element: everything, subscriptions and probes too.
        PrivacyList all = list(item("jid", "tybalt@example.com", "deny", "1"));
        for (int kind : new int[] {PrivacyItem.MESSAGE, PrivacyItem.IQ, PrivacyItem.PRESENCE_IN, PrivacyItem.PRESENCE_OUT, PrivacyItem.OTHER}) {
            assertTrue(all.denies(tybalt, kind, null));
        }
    }

    @Test
    void anItemSurvivesItsXmlRoundTrip() {
        Element e = item("group", "Enemies", "deny", "4", "message", "presence-out");
        assertEquals(PrivacyItem.from(e), PrivacyItem.from(PrivacyItem.from(e).toElement()));
        Element fallThrough = Element.builder("item", Privacy.NAMESPACE).attribute("action", "allow").attribute("order", "68").build();
        PrivacyItem parsed = PrivacyItem.from(fallThrough);
        assertNull(parsed.type());
        assertEquals(fallThrough, parsed.toElement());
    }

    private static StanzaErrorCondition refusal(Runnable r) {
        return assertThrows(RosterRefusal.class, r::run).condition();
    }

    @Test
    void badItemsAreRefusedWithTheRightCondition() {
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("jid", "a@b", "deny", "1"), item("jid", "c@d", "allow", "1"))),
                "orders are unique");
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("jid", "a@b", "block", "1"))));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("jid", "a@b", null, "1"))));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("jid", "a@b", "deny", null))));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("jid", "a@b", "deny", "-1"))));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("jid", "a@b", "deny", "4294967296"))));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("colour", "red", "deny", "1"))));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("jid", null, "deny", "1"))));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("subscription", "pending", "deny", "1"))));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refusal(() -> list(item("jid", "a@b", "deny", "1", "presence"))));
        assertEquals(StanzaErrorCondition.JID_MALFORMED, refusal(() -> list(item("jid", "ty<balt@example.com", "deny", "1"))));
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, refusal(() -> Privacy.parse("l",
                Element.builder("list", Privacy.NAMESPACE).attribute("name", "l").child(item("jid", "a@b", "deny", "1"))
                        .child(item("jid", "c@d", "deny", "2")).build(), new Privacy.ListLimits(5, 1))), "items past the limit");
        assertEquals(StanzaErrorCondition.NOT_ACCEPTABLE, refusal(() -> Privacy.parse("x".repeat(1024),
                Element.builder("list", Privacy.NAMESPACE).child(item("jid", "a@b", "deny", "1")).build(), Privacy.ListLimits.DEFAULTS)));
        assertEquals(4_294_967_295L, PrivacyItem.from(item("jid", "a@b", "deny", "4294967295")).order());
    }

    @Test
    void aBlockGoesBeforeEveryItemOfTheDefaultListAndAnUnblockRemovesOnlyBlocks() {
        PrivacyList base = new PrivacyList("public", List.of(
                PrivacyItem.from(item("jid", "juliet@example.com", "allow", "0")),
                PrivacyItem.from(item("jid", "tybalt@example.com", "deny", "5", "message"))));
        PrivacyLists lists = new PrivacyLists(Map.of("public", base), "public");
        PrivacyLists blocked = Blocks.apply(lists, List.of(jid("juliet@example.com"), jid("tybalt@example.com")), List.of(), false);
        PrivacyList d = blocked.defaultList();
        assertEquals("public", d.name());
        assertEquals(4, d.items().size());
        assertTrue(d.items().get(0).isBlock() && d.items().get(1).isBlock(), "blocks come first: " + d);
        assertTrue(d.denies(jid("juliet@example.com"), PrivacyItem.MESSAGE, null), "the block overrides the allow below it");
        assertEquals(Set.of(jid("juliet@example.com"), jid("tybalt@example.com")), blocked.blockList().items());
        assertEquals(List.of(0L, 1L, 2L, 7L), d.items().stream().map(PrivacyItem::order).toList(), "the others moved down, in their order");

        PrivacyLists unblocked = Blocks.apply(blocked, List.of(), List.of(), true);
        assertEquals(Set.of(), unblocked.blockList().items());
        assertEquals(2, unblocked.defaultList().items().size(), "the partial deny of tybalt's messages stays: it was no block");
        assertTrue(unblocked.defaultList().denies(jid("tybalt@example.com"), PrivacyItem.MESSAGE, null));
    }

    @Test
    void aBlockWithoutADefaultListCreatesOneAndAnUnblockWithoutOneChangesNothing() {
        PrivacyLists none = new PrivacyLists(Map.of("blocked", new PrivacyList("blocked", List.of())), null);
        assertEquals(none, Blocks.apply(none, List.of(), List.of(jid("a@b")), false));
        PrivacyLists after = Blocks.apply(none, List.of(jid("a@b")), List.of(), false);
        assertEquals("blocked-2", after.defaultName(), "a list of the user's named 'blocked' is not taken over");
        assertTrue(after.list("blocked").items().isEmpty());
        assertTrue(after.blockList().blocks(jid("a@b/c")));
    }
}
