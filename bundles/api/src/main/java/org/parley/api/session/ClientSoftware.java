package org.parley.api.session;

/**
 * The software a session's client says it runs (XEP-0092: Software Version).
 *
 * @param name the client's name, never null
 * @param version its version, or null when it did not say
 * @param os its operating system, or null when it did not say (XEP-0092 makes it optional)
 * @since 1.4
 */
public record ClientSoftware(String name, String version, String os) {
    public ClientSoftware {
        if (name == null) {
            throw new IllegalArgumentException("a client's software has a name");
        }
    }
}
