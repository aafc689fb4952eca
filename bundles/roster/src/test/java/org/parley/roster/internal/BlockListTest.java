package org.parley.roster.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;

/** XEP-0016 section 2.1 JID matching, as block lists use it. */
class BlockListTest {
    private static Jid jid(String s) {
        return JidCreate.fromOrThrowUnchecked(s);
    }

    private static BlockList of(String... items) {
        return new BlockList(Set.of(List.of(items).stream().map(BlockListTest::jid).toArray(Jid[]::new)));
    }

    @Test
    void aBareJidBlocksEveryResourceOfThatAccountAndNothingElse() {
        BlockList list = of("romeo@montague.net");
        assertTrue(list.blocks(jid("romeo@montague.net")));
        assertTrue(list.blocks(jid("romeo@montague.net/orchard")));
        assertFalse(list.blocks(jid("benvolio@montague.net/orchard")));
        assertFalse(list.blocks(jid("montague.net")));
        assertFalse(list.blocks(null));
    }

    @Test
    void aFullJidBlocksThatResourceOnly() {
        BlockList list = of("romeo@montague.net/orchard");
        assertTrue(list.blocks(jid("romeo@montague.net/orchard")));
        assertFalse(list.blocks(jid("romeo@montague.net/balcony")));
        assertFalse(list.blocks(jid("romeo@montague.net")));
    }

    @Test
    void aDomainBlocksEveryoneThereAndTheDomainItself() {
        BlockList list = of("montague.net");
        assertTrue(list.blocks(jid("montague.net")));
        assertTrue(list.blocks(jid("romeo@montague.net")));
        assertTrue(list.blocks(jid("romeo@montague.net/orchard")));
        assertTrue(list.blocks(jid("montague.net/feed")));
        assertFalse(list.blocks(jid("capulet.com")));
        assertFalse(list.blocks(jid("chat.montague.net")), "a subdomain is another domain");
    }

    @Test
    void aDomainWithAResourceBlocksThatResourceAtAnyAccountThere() {
        BlockList list = of("montague.net/orchard");
        assertTrue(list.blocks(jid("montague.net/orchard")));
        assertTrue(list.blocks(jid("romeo@montague.net/orchard")));
        assertFalse(list.blocks(jid("romeo@montague.net/balcony")));
        assertFalse(list.blocks(jid("romeo@montague.net")));
    }

    @Test
    void withAndWithoutChangeACopy() {
        BlockList list = of("a@x.org");
        BlockList more = list.with(List.of(jid("b@x.org")));
        assertTrue(more.blocks(jid("b@x.org")));
        assertFalse(list.blocks(jid("b@x.org")));
        assertFalse(more.without(List.of(jid("a@x.org"))).blocks(jid("a@x.org")));
    }
}
