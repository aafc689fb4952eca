package org.parley.api.vcard;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.parley.api.stanza.Element;

/**
 * Supplies vCard fields for accounts from a source the user does not edit through XMPP (a
 * directory). Registered as a service. The vCard service asks the sources, highest
 * {@code service.ranking} first, and the first that knows the account wins: each top-level
 * element of its vCard ({@code FN}, {@code N}, {@code ORG}, {@code EMAIL}, {@code PHOTO}, ...)
 * replaces the elements of that name in the vCard the user stored, and the user's other fields
 * stay. A user of such a source can therefore still set a nickname, and a photo when the source
 * has none, but not their name.
 *
 * <p>{@link #vCard} must not block: look things up through
 * {@link org.parley.api.server.WorkerPool}.
 */
public interface VCardSource {
    /**
     * @param username the prepared localpart of an account of the served domain
     * @return a {@code vCard} element in namespace {@code vcard-temp} holding the fields this
     *     source owns, or empty when it does not know the account; completing exceptionally means
     *     the source cannot answer now (the vCard is then served without its fields)
     */
    CompletionStage<Optional<Element>> vCard(String username);
}
