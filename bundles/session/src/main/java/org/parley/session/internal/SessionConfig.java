package org.parley.session.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the session core (PID org.parley.session). */
@ObjectClassDefinition(pid = SessionConfig.PID, name = "Parley session core",
        description = "Client stream negotiation, sessions and stream management")
public @interface SessionConfig {
    String PID = "org.parley.session";

    @AttributeDefinition(description = "Refuse authentication until the client has started TLS")
    boolean requireTls() default true;

    // min and max as SessionSettings and AccessPolicy check them: the admin console refuses a value outside them before writing it.
    @AttributeDefinition(min = "1", description = "Seconds a connection may take from connecting to binding a resource")
    int authTimeoutSeconds() default 60;

    @AttributeDefinition(min = "1", description = "Failed SASL attempts allowed on one connection before it is closed")
    int maxAuthAttempts() default 5;

    @AttributeDefinition(min = "0", description = "Milliseconds a client's stanzas wait for routing, or a nonza for its stream feature, "
            + "while that bundle is being replaced")
    long graceMillis() default 5000;

    @AttributeDefinition(min = "0", description = "Seconds a session whose connection was lost waits to be resumed (XEP-0198); "
            + "0 turns resumption off")
    int resumptionTimeoutSeconds() default 300;

    @AttributeDefinition(min = "10", description = "Stanzas sent to a client and not yet acknowledged (XEP-0198) before its stream "
            + "is closed with resource-constraint")
    int maxUnackedStanzas() default 5000;

    @AttributeDefinition(min = "2", description = "Received elements waiting to be processed on one stream before the server stops "
            + "reading from that connection until it catches up")
    int maxPendingElements() default 64;

    @AttributeDefinition(description = "Networks clients may connect from, in CIDR notation (10.0.0.0/8, 2001:db8::/32; "
            + "an address alone is one host), comma-separated. Empty: every network not denied. A client from elsewhere "
            + "gets the policy-violation stream error at its first stream header, before TLS. Applied to new "
            + "connections at once")
    String[] allowNetworks() default {};

    @AttributeDefinition(description = "Networks clients may not connect from (CIDR, comma-separated); they win over "
            + "allowNetworks")
    String[] denyNetworks() default {};

    @AttributeDefinition(description = "How a client from a refused network is turned away: 'stream-error' answers its "
            + "first stream header with the policy-violation stream error (it learns why; on the direct TLS port after "
            + "the TLS handshake), 'close' closes the connection as soon as it is accepted, before any byte and before "
            + "TLS on either port (it costs the server nothing and tells the client nothing)",
            options = {@Option(label = "stream error (policy-violation)", value = "stream-error"),
                    @Option(label = "close at once", value = "close")})
    String networkRefusal() default "stream-error";

    @AttributeDefinition(min = "1", description = "Seconds between two log lines about refused connections from one address "
            + "(the refusals in between are counted, not logged)")
    int refusalLogSeconds() default 300;
}
