package org.parley.examples.bot.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The bot's configuration (PID org.parley.examples.bot, file etc/org.parley.examples.bot.cfg).
 * Changes apply live; a value the bot cannot use is refused with a log line naming the key, and
 * the previous configuration stays in force.
 */
@ObjectClassDefinition(id = BotConfig.PID, name = "Parley example bot",
        description = "A bot on <subdomain>.<domain> that answers help, time and resources, and posts an announcement to a room")
public @interface BotConfig {
    String PID = "org.parley.examples.bot";

    @AttributeDefinition(description = "The bot's subdomain: users write to <subdomain>.<domain>")
    String subdomain() default "bot";

    @AttributeDefinition(description = "The room the bot posts its announcement to (room@conference.<domain>); empty: none")
    String announceRoom() default "";

    @AttributeDefinition(description = "The announcement (1 to 1000 characters)")
    String announcement() default "Welcome! Write 'help' to the bot for what it can do.";

    // min and max as BotSettings checks them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", max = "604800", description = "Seconds between two announcements (at least 1)")
    int announceIntervalSeconds() default 3600;

    @AttributeDefinition(description = "The bot's nickname in the room")
    String nick() default "Bot";
}
