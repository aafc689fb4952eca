package org.parley.api.stream;

import java.util.concurrent.CompletionStage;
import org.parley.api.stanza.Element;

/**
 * A stream feature: offered in {@code <stream:features/>} and negotiated with top-level elements
 * of its own namespace (nonzas). Registered as a service with the service property
 * {@link #NAMESPACE}; the session core binds features dynamically, lists them in order of
 * {@code service.ranking} (highest first), and gives each top-level element whose namespace a
 * feature claims to that feature. A top-level element no feature (nor the core) claims ends the
 * stream with {@code unsupported-stanza-type}; while a feature is being replaced, its elements
 * are held for the grace period.
 *
 * <p>Calls run on the stream's own thread, in order with the stream's stanzas, never on an I/O
 * thread; they must not block.
 */
public interface StreamFeature {
    /** Service property: the namespace of the top-level elements this feature handles, or an array of them. */
    String NAMESPACE = "parley.stream.namespace";

    /**
     * The child of {@code <stream:features/>} to offer on this stream now, or null not to offer it
     * (e.g. before authentication for a feature that needs a user).
     */
    Element advertise(StreamContext stream);

    /**
     * Handles one top-level element in the feature's namespace.
     *
     * @return a stage that completes when the element is handled; the stream's next elements wait
     *     for it. Completing exceptionally is logged and ends the stream with
     *     {@code internal-server-error}.
     */
    CompletionStage<Void> handle(Element element, StreamContext stream);
}
