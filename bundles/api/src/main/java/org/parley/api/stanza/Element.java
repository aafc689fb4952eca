package org.parley.api.stanza;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An immutable XML element with a resolved namespace.
 *
 * <p>Prefixes are not kept: an element is identified by its local name and namespace URI,
 * and the serializer declares namespaces as it needs them. Attribute names are local names
 * for unqualified attributes, {@code xml:lang} (and other {@code xml:} names) for the XML
 * namespace, and Clark notation {@code {uri}local} for any other namespace. Attribute order is
 * kept. The representation is compact on purpose (a flat name/value array, no maps) because
 * routed stanzas are numerous and short-lived.
 */
public final class Element implements Node {
    private static final String[] NO_ATTRIBUTES = new String[0];

    private final String name;
    private final String namespace;
    private final String[] attributes; // name0, value0, name1, value1, ...
    private final List<Node> children;

    private Element(String name, String namespace, String[] attributes, List<Node> children) {
        this.name = name;
        this.namespace = namespace;
        this.attributes = attributes;
        this.children = children;
    }

    public static Builder builder(String name, String namespace) {
        return new Builder(name, namespace);
    }

    /** An element with no attributes and no children. */
    public static Element empty(String name, String namespace) {
        return new Element(Objects.requireNonNull(name), Objects.requireNonNull(namespace), NO_ATTRIBUTES, List.of());
    }

    public String name() {
        return name;
    }

    /** The namespace URI; the empty string for no namespace. */
    public String namespace() {
        return namespace;
    }

    public boolean is(String name, String namespace) {
        return this.name.equals(name) && this.namespace.equals(namespace);
    }

    /** The attribute's value, or null when absent. */
    public String attribute(String name) {
        for (int i = 0; i < attributes.length; i += 2) {
            if (attributes[i].equals(name)) {
                return attributes[i + 1];
            }
        }
        return null;
    }

    public int attributeCount() {
        return attributes.length / 2;
    }

    public String attributeName(int index) {
        return attributes[2 * index];
    }

    public String attributeValue(int index) {
        return attributes[2 * index + 1];
    }

    public List<Node> children() {
        return children;
    }

    /** Child elements only, in document order. */
    public List<Element> elements() {
        List<Element> result = new ArrayList<>(children.size());
        for (Node child : children) {
            if (child instanceof Element e) {
                result.add(e);
            }
        }
        return result;
    }

    /** The first child element with this name and namespace, or null. */
    public Element child(String name, String namespace) {
        for (Node child : children) {
            if (child instanceof Element e && e.is(name, namespace)) {
                return e;
            }
        }
        return null;
    }

    /** The first child element in this namespace, or null. */
    public Element firstChildIn(String namespace) {
        for (Node child : children) {
            if (child instanceof Element e && e.namespace.equals(namespace)) {
                return e;
            }
        }
        return null;
    }

    /** The first child element, or null. */
    public Element firstElement() {
        for (Node child : children) {
            if (child instanceof Element e) {
                return e;
            }
        }
        return null;
    }

    /** The concatenated character data directly inside this element. */
    public String text() {
        if (children.size() == 1 && children.get(0) instanceof Text t) {
            return t.value();
        }
        StringBuilder sb = new StringBuilder();
        for (Node child : children) {
            if (child instanceof Text t) {
                sb.append(t.value());
            }
        }
        return sb.toString();
    }

    /** The text of the first child element with this name in this element's namespace, or null. */
    public String childText(String name) {
        Element child = child(name, namespace);
        return child == null ? null : child.text();
    }

    /** A builder that starts as a copy of this element. */
    public Builder toBuilder() {
        Builder b = new Builder(name, namespace);
        b.attributes.addAll(Arrays.asList(attributes));
        b.children.addAll(children);
        return b;
    }

    /**
     * A copy with one attribute set (or removed when value is null). The router stamps every
     * routed stanza this way, so it copies only the attribute array and shares the (immutable)
     * children.
     */
    public Element withAttribute(String name, String value) {
        Objects.requireNonNull(name, "name");
        for (int i = 0; i < attributes.length; i += 2) {
            if (attributes[i].equals(name)) {
                if (value == null) {
                    String[] fewer = new String[attributes.length - 2];
                    System.arraycopy(attributes, 0, fewer, 0, i);
                    System.arraycopy(attributes, i + 2, fewer, i, attributes.length - i - 2);
                    return new Element(this.name, namespace, fewer.length == 0 ? NO_ATTRIBUTES : fewer, children);
                }
                String[] replaced = attributes.clone();
                replaced[i + 1] = value;
                return new Element(this.name, namespace, replaced, children);
            }
        }
        if (value == null) {
            return this;
        }
        String[] more = Arrays.copyOf(attributes, attributes.length + 2);
        more[attributes.length] = name;
        more[attributes.length + 1] = value;
        return new Element(this.name, namespace, more, children);
    }

    /**
     * A copy with one more child at the end. Shares the attributes and the existing children: an
     * interceptor that adds an element to a presence kept for the session's life (the avatar hash)
     * costs the new element and a list, not a copy of the whole tree.
     */
    public Element withChild(Node child) {
        Objects.requireNonNull(child, "child");
        Node[] more = children.toArray(new Node[children.size() + 1]);
        more[children.size()] = child;
        return new Element(name, namespace, attributes, List.of(more));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Element e && name.equals(e.name) && namespace.equals(e.namespace)
                && Arrays.equals(attributes, e.attributes) && children.equals(e.children);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, namespace, Arrays.hashCode(attributes), children);
    }

    /** A readable, non-canonical rendering for logs and test failures. Use the xml bundle's serializer on the wire. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendDebug(sb);
        return sb.toString();
    }

    private void appendDebug(StringBuilder sb) {
        sb.append('<').append(name);
        if (!namespace.isEmpty()) {
            sb.append(" xmlns='").append(namespace).append('\'');
        }
        for (int i = 0; i < attributes.length; i += 2) {
            sb.append(' ').append(attributes[i]).append("='").append(attributes[i + 1]).append('\'');
        }
        if (children.isEmpty()) {
            sb.append("/>");
            return;
        }
        sb.append('>');
        for (Node child : children) {
            if (child instanceof Element e) {
                e.appendDebug(sb);
            } else {
                sb.append(((Text) child).value());
            }
        }
        sb.append("</").append(name).append('>');
    }

    /** Builds elements; not thread-safe, not reusable after {@link #build()}. */
    public static final class Builder {
        private final String name;
        private final String namespace;
        private final List<String> attributes = new ArrayList<>(8);
        private final List<Node> children = new ArrayList<>(4);

        private Builder(String name, String namespace) {
            this.name = Objects.requireNonNull(name, "name");
            this.namespace = Objects.requireNonNull(namespace, "namespace");
        }

        /** Sets an attribute, replacing an existing one of that name; a null value removes it. */
        public Builder attribute(String name, String value) {
            Objects.requireNonNull(name, "name");
            for (int i = 0; i < attributes.size(); i += 2) {
                if (attributes.get(i).equals(name)) {
                    if (value == null) {
                        attributes.remove(i + 1);
                        attributes.remove(i);
                    } else {
                        attributes.set(i + 1, value);
                    }
                    return this;
                }
            }
            if (value != null) {
                attributes.add(name);
                attributes.add(value);
            }
            return this;
        }

        public Builder child(Node child) {
            children.add(Objects.requireNonNull(child, "child"));
            return this;
        }

        public Builder children(List<? extends Node> nodes) {
            for (Node n : nodes) {
                child(n);
            }
            return this;
        }

        public Builder text(String text) {
            if (text != null && !text.isEmpty()) {
                children.add(new Text(text));
            }
            return this;
        }

        /** Adds a child element {@code <name>text</name>} in this element's namespace. */
        public Builder textChild(String childName, String text) {
            return child(Element.builder(childName, namespace).text(text).build());
        }

        public Element build() {
            String[] attrs = attributes.isEmpty() ? NO_ATTRIBUTES : attributes.toArray(new String[0]);
            List<Node> kids = children.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(children));
            return new Element(name, namespace, attrs, kids);
        }
    }
}
