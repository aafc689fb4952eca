package org.example.extending;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.parley.api.routing.IqHandler;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Configured in etc/org.example.greeting.cfg (greeting = good morning), applied live; a value it
// cannot use is refused with the key named, and the previous one stays in force.
@ObjectClassDefinition(id = GreetingHandler.PID, name = "Example greeting", description = "What the greeting handler answers")
@interface GreetingConfig {
    @AttributeDefinition(description = "The answer, 1 to maxLength characters")
    String greeting() default "hello";

    @AttributeDefinition(min = "1", max = "1000", description = "The longest answer accepted, in characters")
    int maxLength() default 100;
}

@Component(configurationPid = GreetingHandler.PID, property = IqHandler.NAMESPACE + "=urn:example:greeting")
@Designate(ocd = GreetingConfig.class)
public final class GreetingHandler implements IqHandler {
    static final String PID = "org.example.greeting";
    private static final Logger LOG = LoggerFactory.getLogger(GreetingHandler.class);
    private volatile String greeting = "hello";

    @Activate
    @Modified
    void configure(GreetingConfig config) {
        try {
            greeting = validate(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the configuration ({}): {}; keeping '{}'", PID, e.getMessage(), greeting);
        }
    }

    /** The one check of a configuration: run here, and by GreetingChecker before the console writes it. */
    static String validate(GreetingConfig config) {
        String value = config.greeting() == null ? "" : config.greeting().strip();
        if (value.isEmpty() || value.length() > config.maxLength()) {
            throw new IllegalArgumentException("key 'greeting' must have 1 to " + config.maxLength() + " characters");
        }
        return value;
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        return CompletableFuture.completedFuture(iq.resultReply(Element.builder("greeting", "urn:example:greeting").text(greeting).build()));
    }
}
