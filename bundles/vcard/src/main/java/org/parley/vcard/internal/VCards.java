package org.parley.vcard.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jxmpp.jid.Jid;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Node;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.vcard.VCardSource;
import org.parley.xml.XmlSerializer;
import org.parley.xml.XmppStreamParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vCards (XEP-0054): every account has one, which anyone may read and only its owner may change.
 * What a {@link VCardSource} (the directory) supplies for an account replaces the same fields of
 * the stored vCard when it is read, so a directory user keeps their nickname or photo but shows
 * the directory's name. Also answers, for presence, the hash of the photo an account shows
 * (XEP-0153), cached because every available presence asks.
 */
final class VCards {
    private static final Logger LOG = LoggerFactory.getLogger(VCards.class);
    static final String NAMESPACE = "vcard-temp";
    static final int DEFAULT_MAX_PHOTO_BYTES = 65_536;
    static final int MAX_PHOTO_BYTES_LIMIT = 1_048_576;
    /** A photo hash is looked up again after this long, so a photo changed in the directory shows. */
    static final long HASH_TTL_NANOS = 5L * 60 * 1_000_000_000;
    /** Past this many cached hashes, expired ones are dropped as new ones come in. */
    private static final int HASH_CACHE_TRIM = 10_000;
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

    private record CachedHash(CompletableFuture<String> hash, long loadedAt) {
    }
    private static final CompletableFuture<String> NO_PHOTO = CompletableFuture.completedFuture("");

    private final VCardStore store;
    private final WorkerPool workers;
    private final Supplier<List<VCardSource>> sources;
    private final LongSupplier nanoClock;
    private final Map<String, CachedHash> hashes = new ConcurrentHashMap<>();
    private volatile int maxPhotoBytes = DEFAULT_MAX_PHOTO_BYTES;

    VCards(VCardStore store, WorkerPool workers, Supplier<List<VCardSource>> sources, LongSupplier nanoClock) {
        this.store = store;
        this.workers = workers;
        this.sources = sources;
        this.nanoClock = nanoClock;
    }

    void maxPhotoBytes(int bytes) {
        maxPhotoBytes = bytes;
    }

    int maxPhotoBytes() {
        return maxPhotoBytes;
    }

    /** Answers a vcard-temp get or set. */
    CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        Element payload = iq.payload();
        if (!payload.is("vCard", NAMESPACE)) {
            return answer(iq.errorReply(StanzaErrorCondition.BAD_REQUEST, "a vcard-temp request carries a vCard element"));
        }
        Jid to = iq.to();
        if ("set".equals(iq.type())) {
            if (origin == null) {
                return answer(iq.errorReply(StanzaErrorCondition.FORBIDDEN, "only a user sets their vCard"));
            }
            if (to != null && !to.equals(origin.bareJid())) {
                return answer(iq.errorReply(StanzaErrorCondition.FORBIDDEN, "you can only change your own vCard"));
            }
            return set(iq, origin.bareJid().getLocalpart().toString(), payload);
        }
        Jid subject = to != null ? to : origin == null ? null : origin.bareJid();
        if (subject == null || subject.getLocalpartOrNull() == null) {
            return answer(iq.errorReply(StanzaErrorCondition.ITEM_NOT_FOUND, "the server itself has no vCard"));
        }
        String username = subject.getLocalpartOrNull().toString();
        return read(username).thenApply(iq::resultReply).exceptionally(e -> failure(iq, e));
    }

    /** The vCard an account shows: what it stored, with a source's fields in place of the same ones. */
    CompletionStage<Element> read(String username) {
        CompletionStage<VCardStore.Stored> stored = workers.submit(() -> store.get(username));
        return stored.thenCombine(owned(username), (own, directory) -> merge(
                own == null ? null : XmppStreamParser.parseElement(own.xml(), NAMESPACE), directory.orElse(null)));
    }

    private CompletionStage<Stanza> set(Stanza iq, String username, Element vCard) {
        String photoHash;
        try {
            photoHash = photoHash(vCard, maxPhotoBytes);
        } catch (RefusedPhoto refused) {
            return answer(iq.errorReply(refused.condition, refused.getMessage()));
        }
        String xml = XmlSerializer.toXml(vCard);
        return workers.submit(() -> {
            store.put(username, new VCardStore.Stored(xml, photoHash.isEmpty() ? null : photoHash));
            hashes.remove(username);
            return iq.resultReply(null);
        }).exceptionally(e -> failure(iq, e));
    }

    /**
     * The SHA-1 of the photo the account shows, in hex, or "" when it shows none (XEP-0153's empty
     * {@code photo} element). Completes exceptionally when it cannot be told now.
     */
    CompletionStage<String> shownPhotoHash(String username) {
        long now = nanoClock.getAsLong();
        CachedHash cached = hashes.get(username);
        if (cached != null && now - cached.loadedAt() < HASH_TTL_NANOS && !cached.hash().isCompletedExceptionally()) {
            return cached.hash();
        }
        CompletableFuture<String> loading = new CompletableFuture<>();
        CachedHash entry = new CachedHash(loading, now);
        hashes.put(username, entry);
        if (hashes.size() > HASH_CACHE_TRIM) {
            hashes.values().removeIf(c -> now - c.loadedAt() >= HASH_TTL_NANOS);
        }
        CompletionStage<VCardStore.Stored> stored = workers.submit(() -> store.get(username));
        stored.thenCombine(owned(username), (own, directory) -> {
            Element directoryPhoto = directory.map(v -> v.child("PHOTO", NAMESPACE)).orElse(null);
            if (directoryPhoto != null) {
                return photoHashOrEmpty(directoryPhoto);
            }
            return own == null || own.photoHash() == null ? "" : own.photoHash();
        }).whenComplete((hash, error) -> {
            if (error != null) {
                loading.completeExceptionally(error);
            } else {
                loading.complete(hash);
                if (hash.isEmpty()) {
                    // Most accounts show no photo: they share one answer instead of a future each.
                    hashes.replace(username, entry, new CachedHash(NO_PHOTO, now));
                }
            }
        });
        return loading;
    }

    /** A deleted account's vCard goes with it. */
    void deleted(String username) throws java.sql.SQLException {
        store.delete(username);
        hashes.remove(username);
    }

    /** The first source's fields for the account, highest ranked first; empty when none knows it or one fails. */
    private CompletionStage<Optional<Element>> owned(String username) {
        return ask(sources.get(), 0, username);
    }

    private static CompletionStage<Optional<Element>> ask(List<VCardSource> sources, int index, String username) {
        if (index >= sources.size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletionStage<Optional<Element>> answer;
        try {
            answer = sources.get(index).vCard(username);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((found, error) -> {
            if (error != null) {
                // The vCard is still served, without the fields the source owns.
                LOG.warn("A vCard source could not answer for {}: {}", username, error.toString());
                return Optional.<Element>empty();
            }
            return found == null ? Optional.<Element>empty() : found;
        }).thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found) : ask(sources, index + 1, username));
    }

    /** The stored vCard with each field the source owns replacing the fields of that name. */
    static Element merge(Element stored, Element owned) {
        if (owned == null) {
            return stored == null ? Element.empty("vCard", NAMESPACE) : stored;
        }
        Set<String> ownedNames = new HashSet<>();
        List<Node> children = new ArrayList<>(owned.elements());
        for (Element field : owned.elements()) {
            ownedNames.add(field.name());
        }
        if (stored != null) {
            for (Node node : stored.children()) {
                if (node instanceof Element field && !ownedNames.contains(field.name())) {
                    children.add(field);
                }
            }
        }
        return Element.builder("vCard", NAMESPACE).children(children).build();
    }

    /** A photo the user may not store, with the condition the refusal gets. */
    static final class RefusedPhoto extends Exception {
        final StanzaErrorCondition condition;

        RefusedPhoto(StanzaErrorCondition condition, String message) {
            super(message, null, false, false);
            this.condition = condition;
        }
    }

    /**
     * Checks every photo of a vCard about to be stored and hashes the first.
     *
     * @return the SHA-1 in hex of the first photo's image, or "" when it has none given inline
     */
    static String photoHash(Element vCard, int maxPhotoBytes) throws RefusedPhoto {
        String hash = null;
        for (Element field : vCard.elements()) {
            if (!field.name().equals("PHOTO")) {
                continue;
            }
            byte[] image = image(field);
            if (image == null) {
                continue;
            }
            if (image.length > maxPhotoBytes) {
                throw new RefusedPhoto(StanzaErrorCondition.NOT_ACCEPTABLE, "the photo has " + image.length
                        + " bytes; photos here have at most " + maxPhotoBytes + " bytes: make it smaller");
            }
            if (hash == null) {
                hash = sha1(image);
            }
        }
        return hash == null ? "" : hash;
    }

    private static String photoHashOrEmpty(Element photo) {
        try {
            byte[] image = image(photo);
            return image == null ? "" : sha1(image);
        } catch (RefusedPhoto e) {
            return "";
        }
    }

    /** The decoded BINVAL of a PHOTO, or null for one given by URL (EXTVAL) or empty. */
    private static byte[] image(Element photo) throws RefusedPhoto {
        String binval = photo.childText("BINVAL");
        if (binval == null || binval.isBlank()) {
            return null;
        }
        try {
            // Clients wrap base64 at 76 columns; anything else that is not base64 is refused.
            return Base64.getDecoder().decode(WHITE_SPACE.matcher(binval).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw new RefusedPhoto(StanzaErrorCondition.BAD_REQUEST, "the photo's BINVAL is not base64");
        }
    }

    static String sha1(byte[] image) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(image));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-1", e);
        }
    }

    private static Stanza failure(Stanza iq, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof WorkRejectedException) {
            return iq.errorReply(StanzaErrorCondition.RESOURCE_CONSTRAINT, "the server is busy; try again");
        }
        LOG.error("vCard request failed for {}", iq.from(), cause);
        return iq.errorReply(StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
    }

    private static CompletionStage<Stanza> answer(Stanza reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
