package org.parley.auth.internal;

/**
 * The part of configuration PID {@code org.parley.server} this bundle reads. A plain component
 * property type, not a metatype definition: the PID belongs to the server as a whole.
 */
public @interface ServerConfig {
    String PID = "org.parley.server";

    /** The served XMPP domain. */
    String domain() default "localhost";
}
