package org.parley.examples.bot.internal;

import java.time.Duration;
import java.util.regex.Pattern;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/** The configuration checked: built only from values the bot can use. */
record BotSettings(String subdomain, EntityBareJid announceRoom, String announcement, Duration announceInterval, String nick) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final long MAX_INTERVAL_SECONDS = 7 * 24 * 3600;

    /** @throws IllegalArgumentException naming the key whose value is refused */
    static BotSettings from(BotConfig config) {
        String subdomain = strip(config.subdomain());
        if (!LABEL.matcher(subdomain).matches()) {
            throw new IllegalArgumentException("key 'subdomain': '" + subdomain + "' is not one DNS label (a-z, 0-9, -)");
        }
        String room = strip(config.announceRoom());
        EntityBareJid roomJid = null;
        if (!room.isEmpty()) {
            try {
                roomJid = JidCreate.entityBareFrom(room);
            } catch (XmppStringprepException | IllegalArgumentException e) {
                throw new IllegalArgumentException("key 'announceRoom': '" + room + "' is not a room's address (room@conference.example.org)");
            }
        }
        String announcement = strip(config.announcement());
        if (announcement.isEmpty() || announcement.length() > 1000) {
            throw new IllegalArgumentException("key 'announcement': must have 1 to 1000 characters");
        }
        int seconds = config.announceIntervalSeconds();
        if (seconds < 1 || seconds > MAX_INTERVAL_SECONDS) {
            throw new IllegalArgumentException("key 'announceIntervalSeconds': " + seconds + " is not between 1 and " + MAX_INTERVAL_SECONDS);
        }
        String nick = strip(config.nick());
        if (nick.isEmpty() || nick.length() > 64 || nick.contains("/")) {
            throw new IllegalArgumentException("key 'nick': must have 1 to 64 characters and no '/'");
        }
        return new BotSettings(subdomain, roomJid, announcement, Duration.ofSeconds(seconds), nick);
    }

    static final BotSettings DEFAULTS = new BotSettings("bot", null, "Welcome! Write 'help' to the bot for what it can do.",
            Duration.ofHours(1), "Bot");

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }
}
