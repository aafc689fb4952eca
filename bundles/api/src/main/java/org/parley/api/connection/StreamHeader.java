package org.parley.api.connection;

/**
 * The attributes of a received {@code <stream:stream>} open tag. Values are null when absent.
 *
 * @param defaultNamespace the default namespace the peer declared (jabber:client for c2s)
 * @param streamNamespace the namespace of the stream element itself
 */
public record StreamHeader(String to, String from, String version, String lang, String id,
        String defaultNamespace, String streamNamespace) {
}
