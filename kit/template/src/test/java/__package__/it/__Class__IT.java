package @package@.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The bundle in the real server: deployed through deploy/, it answers a user's chat messages,
 * takes a new greeting from etc/ live, and is gone when its jar is removed.
 */
class @Class@IT {
    private static final String BSN = System.getProperty("bundle.symbolicName");

    @RegisterExtension
    static final ParleyServer server = new ParleyServer();

    @Test
    void deployedItAnswersTakesNewConfigurationLiveAndLeavesWhenRemoved() throws Exception {
        server.deploy(Path.of(System.getProperty("bundle.jar")), "@artifact@.jar");
        server.awaitLog("Installed " + BSN, 1);
        server.addUser("alice", "a passphrase");
        XMPPTCPConnection alice = server.login("alice", "a passphrase", "it");
        BlockingQueue<Message> inbox = new ArrayBlockingQueue<>(100);
        alice.addAsyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message);

        send(alice, "hi");
        assertEquals("Hello from @name@: hi", next(inbox).getBody());

        server.configure("@package@.cfg", Map.of("greeting", "Good day"));
        server.awaitLog("Configuration applied", 1);
        send(alice, "hi again");
        assertEquals("Good day: hi again", next(inbox).getBody());

        server.configure("@package@.cfg", Map.of("greeting", " "));
        server.awaitLog("Refused the new configuration (@package@): key 'greeting'", 1);
        send(alice, "still there?");
        assertEquals("Good day: still there?", next(inbox).getBody(), "a refused value changes nothing");

        server.undeploy("@artifact@.jar");
        server.awaitLog("Uninstalling " + BSN, 1);
        send(alice, "gone?");
        Message bounce = next(inbox);
        assertEquals(Message.Type.error, bounce.getType(), "a removed component's domain is unavailable");
    }

    private static void send(XMPPTCPConnection from, String body) throws Exception {
        from.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("@name@." + ParleyServer.DOMAIN))
                .ofType(Message.Type.chat).setBody(body).build());
    }

    private static Message next(BlockingQueue<Message> inbox) throws InterruptedException {
        Message m = inbox.poll(30, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no answer within 30 s");
        }
        return m;
    }
}
