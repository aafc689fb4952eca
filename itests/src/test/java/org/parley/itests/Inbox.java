package org.parley.itests;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.packet.Message;

/** The chat messages (those with a body) one Smack connection receives, in arrival order. */
public final class Inbox {
    private final LinkedBlockingQueue<Message> messages = new LinkedBlockingQueue<>();

    private Inbox(XMPPConnection connection) {
        connection.addSyncStanzaListener(stanza -> messages.add((Message) stanza), MessageWithBodiesFilter.INSTANCE);
    }

    /** Starts collecting; register before anything is sent to the connection. */
    public static Inbox of(XMPPConnection connection) {
        return new Inbox(connection);
    }

    /** The next message, or an AssertionError naming {@code what} when none arrives within the timeout. */
    public Message next(Duration timeout, String what) throws InterruptedException {
        Message m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + timeout.toMillis() + " ms: expected " + what);
        }
        return m;
    }
}
