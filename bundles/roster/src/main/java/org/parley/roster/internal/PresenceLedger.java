package org.parley.roster.internal;

import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jxmpp.jid.Jid;
import org.parley.api.session.Session;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Stanza;

/**
 * RFC 6121 sections 4.2.2 and 4.3.2: a session that signs in gets each contact resource's presence
 * once. Two paths bring it: the contact's broadcast (to the user's bare JID, so to every available
 * resource, the new one included as soon as the core marks it available) and the answer to the
 * new session's probe (to its full JID). When both users sign in at the same moment both happen,
 * in either order, on different threads, and the new session would see the contact come online
 * twice.
 *
 * <p>So for a while after a session's initial presence, every available presence it is handed is
 * noted per sending resource, with the path it came by; the first one of the other path with the
 * same content (everything but the 'to') is its twin and is withheld, once. Nothing is withheld
 * that the session does not already show: a different presence, a second one by the same path (a
 * client that sends the same presence twice gets it twice, as before), or anything after the
 * sender's unavailable presence passes; the note is also dropped when the roster shows the session
 * the contact some other way (blocking, privacy lists). Atomic per pair of resources, so the two
 * paths may race in any order. Not handed over at an upgrade: without notes nothing is withheld.
 *
 * <p>Kept only for {@link #WINDOW_MILLIS} after the initial presence, when probe answers come: a
 * session's notes are as many as its contacts' online resources, and not worth keeping for its life.
 */
final class PresenceLedger {
    static final long WINDOW_MILLIS = 60_000;

    private enum Path { BROADCAST, DIRECT }

    private record Note(Path path, Stanza presence) {
    }

    private static final class Book {
        final String session;
        final long until;
        /**
         * Made at the first note: every session signing in has a book, and most (an empty roster, no
         * other resource) never get a note, so an idle server held an empty map per session.
         */
        private volatile Map<Jid, Note> notes;

        Book(String session, long until) {
            this.session = session;
            this.until = until;
        }

        Map<Jid, Note> notes() {
            Map<Jid, Note> n = notes;
            if (n == null) {
                synchronized (this) {
                    n = notes;
                    if (n == null) {
                        n = new ConcurrentHashMap<>(8);
                        notes = n;
                    }
                }
            }
            return n;
        }

        void forget(Jid sender) {
            Map<Jid, Note> n = notes;
            if (n != null) {
                n.remove(sender);
            }
        }
    }

    private final Map<String, Book> books = new ConcurrentHashMap<>();
    /** The books in the order they were opened, to drop the expired ones from the head. */
    private final Queue<Book> opened = new ConcurrentLinkedQueue<>();
    /**
     * Runs a sweep one window after it is asked for. Sign-ins drop the expired books at the head,
     * but after the last sign-in of a busy hour nothing would: a quiet server kept a book for every
     * session of that hour's last minute.
     */
    private final Executor afterWindow;
    private final AtomicBoolean sweepPending = new AtomicBoolean();
    private final LongSupplier nanoClock;
    private final long windowNanos;
    /**
     * True for an available session whose initial presence the roster has not handled yet: the
     * core marks a session available a moment before it tells its listeners ({@link #open}), and
     * what reaches it in that moment is noted too.
     */
    private final Predicate<Session> signingIn;

    PresenceLedger(Predicate<Session> signingIn) {
        // The JDK's shared delay thread, then a task of microseconds: not worth a thread of our own.
        this(System::nanoTime, WINDOW_MILLIS, signingIn,
                CompletableFuture.delayedExecutor(WINDOW_MILLIS + SWEEP_SLACK_MILLIS, TimeUnit.MILLISECONDS));
    }

    PresenceLedger(LongSupplier nanoClock, long windowMillis, Predicate<Session> signingIn, Executor afterWindow) {
        this.nanoClock = nanoClock;
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMillis);
        this.signingIn = signingIn;
        this.afterWindow = afterWindow;
    }

    /** A sweep comes this much after the window of the book that asked for it, so that book has expired. */
    private static final long SWEEP_SLACK_MILLIS = 1000;

    /** The session sent initial presence: what it is handed from now on is noted (and what it was handed since it became available). */
    void open(Session session) {
        long now = nanoClock.getAsLong();
        dropExpired(now);
        bookOf(session, now);
        if (sweepPending.compareAndSet(false, true)) {
            afterWindow.execute(this::sweep);
        }
    }

    /** Drops the expired books; asks for another sweep while books are open. */
    void sweep() {
        sweepPending.set(false);
        dropExpired(nanoClock.getAsLong());
        if (!opened.isEmpty() && sweepPending.compareAndSet(false, true)) {
            afterWindow.execute(this::sweep);
        }
    }

    private void dropExpired(long now) {
        for (Book head = opened.peek(); head != null && now - head.until > 0; head = opened.peek()) {
            if (opened.remove(head)) {
                books.remove(head.session, head);
            }
        }
    }

    /** The session's open book, opened now unless it has one still in its window. */
    private Book bookOf(Session session, long now) {
        Book[] created = new Book[1];
        Book book = books.compute(session.id(), (id, old) -> {
            if (old != null && now - old.until <= 0) {
                return old;
            }
            created[0] = new Book(id, now + windowNanos);
            return created[0];
        });
        if (created[0] != null) {
            opened.add(created[0]);
        }
        return book;
    }

    /** The session went unavailable or ended: a later initial presence starts afresh. */
    void close(Session session) {
        books.remove(session.id()); // its place in the queue goes when its window ends
    }

    /** The roster showed the session the sender's presence around routing: nothing from that sender is a twin now. */
    void forget(Session recipient, Jid sender) {
        Book book = books.get(recipient.id());
        if (book != null && sender != null) {
            book.forget(sender);
        }
    }

    /** The presence as the session should get it, or null for the twin of one it already got. */
    Stanza admit(Stanza stanza, Session recipient) {
        if (stanza.kind() != Stanza.Kind.PRESENCE) {
            return stanza;
        }
        Jid from = stanza.from();
        String type = stanza.type();
        if (from == null || !from.hasResource() || type != null && !"unavailable".equals(type)) {
            return stanza;
        }
        if (from.equals(recipient.jid())) {
            // The session's own presence coming back: only the broadcast brings it (nobody probes a
            // session for itself), so it has no twin, and noting it kept a copy per signing-in session.
            return stanza;
        }
        Book book = books.get(recipient.id());
        if (book == null) {
            if (!signingIn.test(recipient)) {
                return stanza;
            }
            book = bookOf(recipient, nanoClock.getAsLong());
        }
        if (nanoClock.getAsLong() - book.until > 0) {
            books.remove(book.session, book);
            return stanza;
        }
        if (type != null) {
            book.forget(from);
            return stanza;
        }
        Path path = stanza.to() != null && stanza.to().hasResource() ? Path.DIRECT : Path.BROADCAST;
        boolean[] twin = new boolean[1];
        book.notes().compute(from, (sender, note) -> {
            if (note != null && note.path() != path && sameContent(note.presence(), stanza)) {
                twin[0] = true;
                return null;
            }
            return new Note(path, stanza);
        });
        return twin[0] ? null : stanza;
    }

    /** Senders noted for the session now (for tests). */
    int notes(Session session) {
        Book book = books.get(session.id());
        Map<Jid, Note> n = book == null ? null : book.notes;
        return n == null ? 0 : n.size();
    }

    /** Sessions with notes now (for tests). */
    int books() {
        return books.size();
    }

    /** Equal but for the 'to' attribute: the broadcast and the probe answer are copies of the same presence. */
    static boolean sameContent(Stanza a, Stanza b) {
        Element x = a.element();
        Element y = b.element();
        if (!x.name().equals(y.name()) || !x.namespace().equals(y.namespace())) {
            return false;
        }
        int n = 0;
        for (int i = 0; i < x.attributeCount(); i++) {
            String name = x.attributeName(i);
            if (!name.equals("to")) {
                n++;
                if (!Objects.equals(x.attributeValue(i), y.attribute(name))) {
                    return false;
                }
            }
        }
        int m = 0;
        for (int i = 0; i < y.attributeCount(); i++) {
            if (!y.attributeName(i).equals("to")) {
                m++;
            }
        }
        return n == m && x.children().equals(y.children());
    }
}
