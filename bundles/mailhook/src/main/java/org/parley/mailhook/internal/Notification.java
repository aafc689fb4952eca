package org.parley.mailhook.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One mail: to whom, and what it says. Composed when the message is stored, so that what a later
 * retry sends is what the configuration said then (the text is in it only if the operator allowed
 * it at that moment).
 *
 * @param account the user it is for (bare JID)
 * @param address the user's mail address
 * @param sender who wrote (bare JID)
 * @param subject the mail's subject
 * @param body the mail's plain text
 */
record Notification(String account, String address, String sender, String subject, String body) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * @param waiting how many messages wait for the account, this one included
     * @param text the message's text, or null to leave it out
     */
    static Notification compose(String account, String address, String sender, int waiting, Instant at, String text) {
        String subject = "New message from " + sender;
        StringBuilder body = new StringBuilder();
        body.append(sender).append(" wrote to you (").append(account).append(") at ").append(TIME.format(at))
                .append(", while you were not signed in.\n\n");
        body.append(waiting == 1 ? "1 message is waiting for you." : waiting + " messages are waiting for you.")
                .append(" Sign in to read ").append(waiting == 1 ? "it" : "them").append(".\n");
        if (text != null && !text.isBlank()) {
            body.append("\nThe message:\n\n").append(text.strip()).append('\n');
        }
        body.append("\n-- \nThis notification was sent automatically. To stop these mails, use the command '"
                + "Mail notifications' of your chat client on the server.\n");
        return new Notification(account, address, sender, subject, body.toString());
    }
}
