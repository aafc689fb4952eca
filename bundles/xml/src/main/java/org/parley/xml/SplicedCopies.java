package org.parley.xml;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Node;
import org.parley.xml.internal.Escaper;

/**
 * Serializes the copies of a fan-out once (issue 11). A room's groupchat message is one element
 * made without {@code to} and copied per recipient with {@code withTo}: the copies share their
 * children list (the same immutable object) and differ in one attribute value. Each copy used to
 * be serialized from scratch on its recipient's write path (in rooms of 100, 2026-11-30: about
 * half a microsecond of the 25-31 a copy costs the server).
 *
 * <p>Here the first copy seen is remembered (the element itself: it is immutable), the second one
 * tells which attribute varies and is serialized with that value's place marked, and every later
 * copy is the bytes before that value, its own value escaped, and the bytes after it. The key is
 * the children list's identity plus an equality check of name, namespace and every other
 * attribute, so a copy that an interceptor changed (another list of children, an attribute added,
 * removed or changed) never gets the stale bytes: it misses and is serialized as usual. Splicing
 * at the value's quotes is exact because the serializer's output for an element depends only on
 * its name, namespace, attributes and children, and the quotes are ASCII (UTF-8 of the parts is
 * the UTF-8 of the whole).
 *
 * <p>A small table indexed by the children list's identity hash, lock-free (entries are
 * immutable and replaced whole), so copies written by the recipients' lanes on several pool
 * threads share it; a collision costs a serialization, never a wrong answer. Elements without
 * children or attributes are not worth it and skip the table, and large ones are not kept.
 */
final class SplicedCopies {
    /**
     * Entries: a few fan-outs are written at once (one per busy room, interleaved on the pool's
     * threads), so a small table rarely collides, and it bounds what the table keeps alive.
     */
    private static final int SLOTS = 64;
    /**
     * Copies longer than this (UTF-8 bytes) are serialized each time: the table then keeps at most
     * 64 small elements and their bytes alive (well under a MiB), never a run of large stanzas.
     */
    static final int MAX_BYTES = 4096;
    private static final AtomicReferenceArray<Entry> TABLE = new AtomicReferenceArray<>(SLOTS);
    /** {@link Entry#varying} before a second copy told which attribute varies. */
    private static final int NOT_KNOWN = -1;

    private SplicedCopies() {
    }

    /**
     * One remembered element; once a second copy told which attribute varies ({@code varying} is
     * its index), the serialized bytes before and after that attribute's value.
     */
    private record Entry(Element sample, int varying, byte[] head, byte[] tail) {
    }

    static byte[] toBytes(Element element) {
        List<Node> children = element.children();
        int attributes = element.attributeCount();
        if (children.isEmpty() || attributes == 0) {
            return XmlSerializer.toBytesUncached(element);
        }
        int slot = System.identityHashCode(children) & (SLOTS - 1);
        Entry entry = TABLE.get(slot);
        if (entry != null && entry.sample.children() == children && sameShape(entry.sample, element)) {
            if (entry.varying != NOT_KNOWN) {
                if (sameExcept(entry.sample, element, entry.varying)) {
                    return splice(entry, element.attributeValue(entry.varying));
                }
                // a copy changed in another attribute: serialized as it is, the entry stays for the others
                return XmlSerializer.toBytesUncached(element);
            }
            int varying = onlyDifference(entry.sample, element);
            if (varying >= 0) {
                return remember(slot, element, varying);
            }
            // the same element again (a replay) or several differences: nothing to learn
            return XmlSerializer.toBytesUncached(element);
        }
        byte[] bytes = XmlSerializer.toBytesUncached(element);
        TABLE.set(slot, bytes.length <= MAX_BYTES ? new Entry(element, NOT_KNOWN, null, null) : null);
        return bytes;
    }

    /** Same name, namespace and attribute names in the same order (the children are the same list). */
    private static boolean sameShape(Element a, Element b) {
        int count = a.attributeCount();
        if (count != b.attributeCount() || !a.name().equals(b.name()) || !a.namespace().equals(b.namespace())) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (!a.attributeName(i).equals(b.attributeName(i))) {
                return false;
            }
        }
        return true;
    }

    /** Of two elements of the same shape: true when every attribute value but {@code except}'s is equal. */
    private static boolean sameExcept(Element a, Element b, int except) {
        for (int i = 0, count = a.attributeCount(); i < count; i++) {
            if (i != except && !a.attributeValue(i).equals(b.attributeValue(i))) {
                return false;
            }
        }
        return true;
    }

    /** The index of the only attribute whose value differs, or -1 when none or more than one does. */
    private static int onlyDifference(Element a, Element b) {
        int found = -1;
        for (int i = 0, count = a.attributeCount(); i < count; i++) {
            if (!a.attributeValue(i).equals(b.attributeValue(i))) {
                if (found >= 0) {
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }

    private static byte[] remember(int slot, Element element, int varying) {
        StringBuilder out = new StringBuilder(512);
        int[] span = new int[2];
        XmlSerializer.writeMarking(element, varying, span, out);
        String xml = out.toString();
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            TABLE.set(slot, null);
            return bytes;
        }
        byte[] head = xml.substring(0, span[0]).getBytes(StandardCharsets.UTF_8);
        byte[] tail = xml.substring(span[1]).getBytes(StandardCharsets.UTF_8);
        TABLE.set(slot, new Entry(element, varying, head, tail));
        return bytes;
    }

    private static byte[] splice(Entry entry, String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 16);
        Escaper.attribute(value, escaped);
        int length = escaped.length();
        boolean ascii = true;
        for (int i = 0; i < length && ascii; i++) {
            ascii = escaped.charAt(i) < 0x80;
        }
        byte[] middle = null;
        int middleLength = length;
        if (!ascii) {
            middle = escaped.toString().getBytes(StandardCharsets.UTF_8);
            middleLength = middle.length;
        }
        byte[] head = entry.head;
        byte[] tail = entry.tail;
        byte[] bytes = new byte[head.length + middleLength + tail.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        if (ascii) {
            for (int i = 0; i < length; i++) {
                bytes[head.length + i] = (byte) escaped.charAt(i);
            }
        } else {
            System.arraycopy(middle, 0, bytes, head.length, middleLength);
        }
        System.arraycopy(tail, 0, bytes, head.length + middleLength, tail.length);
        return bytes;
    }

    /** Forgets every remembered copy (tests start from an empty table). */
    static void clear() {
        for (int i = 0; i < SLOTS; i++) {
            TABLE.set(i, null);
        }
    }

    /** True when {@code element} would be written from remembered bytes now (tests). */
    static boolean wouldSplice(Element element) {
        List<Node> children = element.children();
        if (children.isEmpty() || element.attributeCount() == 0) {
            return false;
        }
        Entry entry = TABLE.get(System.identityHashCode(children) & (SLOTS - 1));
        return entry != null && entry.varying != NOT_KNOWN && entry.sample.children() == children
                && sameShape(entry.sample, element) && sameExcept(entry.sample, element, entry.varying);
    }
}
