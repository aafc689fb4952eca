package org.parley.mailhook.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.stanza.Element;
import org.parley.api.vcard.VCardSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's mail address as the institution's directory has it: the {@code EMAIL} its vCard source
 * supplies (the ldap bundle maps the directory's mail attribute there), preferred over the
 * configured template. Runs on the mail thread, so it may wait for the directory, briefly; a
 * directory that does not answer leaves the template to decide.
 */
final class DirectoryAddresses implements RecipientAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryAddresses.class);
    private static final String VCARD = "vcard-temp";
    private static final long WAIT_SECONDS = 10;

    private final Supplier<List<VCardSource>> sources;

    DirectoryAddresses(Supplier<List<VCardSource>> sources) {
        this.sources = sources;
    }

    @Override
    public Optional<String> address(EntityBareJid account) {
        String username = account.getLocalpart().toString();
        for (VCardSource source : sources.get()) {
            try {
                Optional<Element> vCard = source.vCard(username).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
                Optional<String> address = vCard.flatMap(DirectoryAddresses::email);
                if (address.isPresent()) {
                    return address;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (Exception e) {
                LOG.warn("The directory did not say where {}'s mail goes ({}); the address template decides", account, e.toString());
            }
        }
        return Optional.empty();
    }

    /** The preferred (PREF), else work, else first EMAIL's USERID. */
    static Optional<String> email(Element vCard) {
        String first = null;
        String work = null;
        for (Element e : vCard.elements()) {
            if (!e.is("EMAIL", VCARD)) {
                continue;
            }
            String userid = e.childText("USERID");
            if (userid == null || userid.isBlank()) {
                continue;
            }
            if (e.child("PREF", VCARD) != null) {
                return Optional.of(userid.strip());
            }
            if (work == null && e.child("WORK", VCARD) != null) {
                work = userid.strip();
            }
            if (first == null) {
                first = userid.strip();
            }
        }
        return Optional.ofNullable(work != null ? work : first);
    }
}
