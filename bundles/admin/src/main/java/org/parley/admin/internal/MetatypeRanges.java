package org.parley.admin.internal;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.osgi.framework.Bundle;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The min and max of a component's numeric attributes, read from the metatype XML of the bundle
 * that describes it. The MetaTypeService API checks a value against them but neither shows them
 * nor says which bound was crossed ("less than minimum"); an operator needs the numbers to fix the
 * value, and the console shows them beside each field.
 */
final class MetatypeRanges {
    private static final String METATYPE_DIR = "OSGI-INF/metatype";
    private static final Set<String> NUMERIC = Set.of("Integer", "Long", "Short", "Byte", "Double", "Float");

    /** An attribute's bounds as written in its AD; either may be null (unbounded on that side). */
    record Range(String min, String max) {
        /** For the form and the API: "1 to 65535", "at least 0", "at most 60". */
        String describe() {
            if (min != null && max != null) {
                return min + " to " + max;
            }
            return min != null ? "at least " + min : "at most " + max;
        }

        /**
         * Why a value is outside the range, or null when it is inside or is not a number (the
         * type check names that).
         */
        String refusal(String value) {
            BigDecimal v;
            try {
                v = new BigDecimal(value.strip());
            } catch (NumberFormatException e) {
                return null;
            }
            if (min != null && v.compareTo(new BigDecimal(min)) < 0) {
                return value.strip() + " is below the minimum " + min;
            }
            if (max != null && v.compareTo(new BigDecimal(max)) > 0) {
                return value.strip() + " is above the maximum " + max;
            }
            return null;
        }
    }

    private MetatypeRanges() {
    }

    /** The ranges of the configuration {@code pid} as the bundle's metatype XML gives them, by key; empty when it gives none. */
    static Map<String, Range> of(Bundle bundle, String pid) {
        Enumeration<URL> files = bundle.findEntries(METATYPE_DIR, "*.xml", false);
        if (files == null) {
            return Map.of();
        }
        for (URL url : Collections.list(files)) {
            try (InputStream in = url.openStream()) {
                Map<String, Range> found = parse(in, pid);
                if (found != null) {
                    return found;
                }
            } catch (IOException | SAXException | ParserConfigurationException | NumberFormatException e) {
                // A file the metatype service could read is well-formed; without its ranges the message is less precise only.
            }
        }
        return Map.of();
    }

    /** The ranges of {@code pid} in one metatype document, or null when it does not designate that PID. */
    static Map<String, Range> parse(InputStream xml, String pid) throws IOException, SAXException, ParserConfigurationException {
        Document doc = builder().parse(xml);
        String ocdRef = null;
        for (Element designate : children(doc.getDocumentElement(), "Designate")) {
            if (pid.equals(designate.getAttribute("pid")) || pid.equals(designate.getAttribute("factoryPid"))) {
                for (Element object : children(designate, "Object")) {
                    ocdRef = object.getAttribute("ocdref");
                }
            }
        }
        if (ocdRef == null) {
            return null;
        }
        Map<String, Range> ranges = new LinkedHashMap<>();
        for (Element ocd : children(doc.getDocumentElement(), "OCD")) {
            if (!ocdRef.equals(ocd.getAttribute("id"))) {
                continue;
            }
            for (Element ad : children(ocd, "AD")) {
                if (!NUMERIC.contains(ad.getAttribute("type"))) {
                    continue; // a String's min and max are lengths, checked by the metatype service
                }
                String min = ad.hasAttribute("min") ? ad.getAttribute("min").strip() : null;
                String max = ad.hasAttribute("max") ? ad.getAttribute("max").strip() : null;
                if (min != null) {
                    new BigDecimal(min); // a bound that is no number is left to the metatype service's own check
                }
                if (max != null) {
                    new BigDecimal(max);
                }
                if (min != null || max != null) {
                    ranges.put(ad.getAttribute("id"), new Range(min, max));
                }
            }
        }
        return ranges;
    }

    private static DocumentBuilder builder() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder();
    }

    /** Child elements by local name: bnd writes OCD, AD and Designate without a namespace, other tools with one. */
    private static Iterable<Element> children(Element parent, String localName) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && localName.equals(e.getLocalName() != null ? e.getLocalName() : e.getTagName())) {
                result.add(e);
            }
        }
        return result;
    }
}
