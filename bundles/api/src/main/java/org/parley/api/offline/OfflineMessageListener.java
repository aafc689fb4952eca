package org.parley.api.offline;

/**
 * Told when a message has been stored for an offline user (after it is durable). Register it as a
 * service; the offline storage bundle calls every registered listener, on its own thread, never
 * blocking the sender. Must not block: queue the work (the mail hook queues a mail). An exception
 * is logged and affects nothing else; the stored message is never affected by a listener.
 */
public interface OfflineMessageListener {
    void stored(OfflineMessageStored event);
}
