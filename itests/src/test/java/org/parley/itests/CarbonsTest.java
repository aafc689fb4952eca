package org.parley.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Message carbons (XEP-0280) with Smack clients: a user's phone and laptop both see a
 * conversation, whichever of them received or sent each message; a resource that did not enable
 * carbons, a private message and a disabled resource get no copies.
 */
class CarbonsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final ParleyServer server = ParleyServer.builder().build();

    /** Signed in with a priority, listening for messages before its presence. */
    private static XMPPTCPConnection signIn(Account account, String resource, int priority) throws Exception {
        XMPPTCPConnection c = server.login(server.smackConfig(account, resource).setSendPresence(false).build());
        c.sendStanza(Xmpp.available(c, priority));
        Xmpp.pingServer(c);
        return c;
    }

    private static List<String> bodies(XMPPTCPConnection c) {
        List<String> got = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> got.add(((Message) s).getBody()), s -> s instanceof Message m && m.getBody() != null
                && m.getType() != Message.Type.error);
        return got;
    }

    @Test
    void theServerAnnouncesCarbons() throws Exception {
        XMPPTCPConnection c = server.login(server.newAccount("carbons-disco"));
        assertTrue(ServiceDiscoveryManager.getInstanceFor(c).serverSupportsFeature(Carbons.NAMESPACE));
    }

    @Test
    void thePhoneAndTheLaptopSeeTheWholeConversation() throws Exception {
        List<Account> accounts = server.newAccounts("carbons", 2);
        Account alice = accounts.get(0);
        XMPPTCPConnection phone = signIn(alice, "phone", 1);
        XMPPTCPConnection laptop = signIn(alice, "laptop", 0);
        XMPPTCPConnection tablet = signIn(alice, "tablet", 0);
        XMPPTCPConnection bob = server.login(accounts.get(1), "desk");
        Carbons.enable(phone);
        Carbons.enable(laptop);
        List<Carbons.Copy> onPhone = Carbons.collect(phone);
        List<Carbons.Copy> onLaptop = Carbons.collect(laptop);
        List<Carbons.Copy> onTablet = Carbons.collect(tablet);
        List<String> phoneGot = bodies(phone);
        List<String> bobGot = bodies(bob);

        // Bob writes to alice: the phone (highest priority) gets it, the laptop a copy.
        bob.sendStanza(Xmpp.chat(bob, alice.bareJid(), "hello alice"));
        RosterTest.await("the phone gets the message", () -> phoneGot.contains("hello alice"));
        RosterTest.await("the laptop gets a received copy", () -> !onLaptop.isEmpty());
        assertEquals(new Carbons.Copy("received", bob.getUser().toString(), alice.bareJid().toString(), "hello alice"), onLaptop.get(0));

        // Alice answers from the phone: bob gets it, the laptop a sent copy.
        phone.sendStanza(Xmpp.chat(phone, bob.getUser().asBareJid(), "hi bob"));
        RosterTest.await("bob gets the answer", () -> bobGot.contains("hi bob"));
        RosterTest.await("the laptop gets a sent copy", () -> onLaptop.size() == 2);
        assertEquals(new Carbons.Copy("sent", phone.getUser().toString(), bob.getUser().asBareJid().toString(), "hi bob"), onLaptop.get(1));

        // A message marked private is nobody else's business.
        Message secret = Xmpp.chat(phone, bob.getUser().asBareJid(), "just between us");
        secret.addExtension(StandardExtensionElement.builder("private", Carbons.NAMESPACE).build());
        phone.sendStanza(secret);
        RosterTest.await("bob gets the private one", () -> bobGot.contains("just between us"));

        // The laptop turns carbons off: nothing more for it.
        Carbons.disable(laptop);
        bob.sendStanza(Xmpp.chat(bob, alice.bareJid(), "after disable"));
        RosterTest.await("the phone gets it", () -> phoneGot.contains("after disable"));
        Xmpp.pingServer(bob);
        Xmpp.pingServer(laptop);
        assertEquals(2, onLaptop.size(), "laptop copies: " + onLaptop);
        assertTrue(onTablet.isEmpty(), "the tablet never enabled carbons: " + onTablet);
        assertTrue(onPhone.isEmpty(), "the phone sent or received everything itself: " + onPhone);
    }

    @Test
    void groupchatHeadlinesAndMessagesToAFullJidThatReachesItAreNotCopiedToThatResource() throws Exception {
        List<Account> accounts = server.newAccounts("carbons-full", 2);
        XMPPTCPConnection phone = signIn(accounts.get(0), "phone", 1);
        XMPPTCPConnection laptop = signIn(accounts.get(0), "laptop", 0);
        XMPPTCPConnection bob = server.login(accounts.get(1), "desk");
        Carbons.enable(phone);
        Carbons.enable(laptop);
        List<Carbons.Copy> onPhone = Carbons.collect(phone);
        List<Carbons.Copy> onLaptop = Carbons.collect(laptop);
        List<String> laptopGot = bodies(laptop);

        bob.sendStanza(Xmpp.chat(bob, laptop.getUser(), "to the laptop itself"));
        RosterTest.await("the laptop gets it", () -> laptopGot.contains("to the laptop itself"));
        RosterTest.await("the phone gets a received copy", () -> !onPhone.isEmpty());
        assertEquals("to the laptop itself", onPhone.get(0).body());
        bob.sendStanza(bob.getStanzaFactory().buildMessageStanza().to(accounts.get(0).bareJid()).ofType(Message.Type.headline)
                .setBody("news").build());
        Xmpp.pingServer(bob);
        Xmpp.pingServer(phone);
        Xmpp.pingServer(laptop);
        assertEquals(1, onPhone.size(), "no copy of a headline: " + onPhone);
        assertTrue(onLaptop.isEmpty(), "the laptop got the original, not a copy: " + onLaptop);
    }
}
