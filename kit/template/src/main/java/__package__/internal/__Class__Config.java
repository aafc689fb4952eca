package @package@.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The component's configuration (PID @package@, file etc/@package@.cfg in the server's base).
 * Changes apply live; a value the component cannot use is refused with a log line naming the key,
 * and the previous configuration stays in force.
 */
@ObjectClassDefinition(id = @Class@Config.PID, name = "@Class@", description = "A component answering chat messages")
public @interface @Class@Config {
    String PID = "@package@";

    @AttributeDefinition(description = "The component's subdomain: it answers at <subdomain>.<domain>")
    String subdomain() default "@name@";

    @AttributeDefinition(description = "What it answers with, before the text it got (1 to 200 characters)")
    String greeting() default "Hello from @name@";
}
