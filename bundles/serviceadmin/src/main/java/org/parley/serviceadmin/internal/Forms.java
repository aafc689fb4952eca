package org.parley.serviceadmin.internal;

import java.util.List;
import org.parley.api.adhoc.AdHocStage;
import org.parley.api.stanza.Element;

/** XEP-0004 data forms of XEP-0133: each carries the FORM_TYPE of service administration. */
final class Forms {
    static final String DATA = AdHocStage.DATA;
    static final String FORM_TYPE = "http://jabber.org/protocol/admin";

    private final Element.Builder x;

    private Forms(String type, String title, String instructions) {
        x = Element.builder("x", DATA).attribute("type", type).textChild("title", title);
        if (instructions != null) {
            x.textChild("instructions", instructions);
        }
        x.child(Element.builder("field", DATA).attribute("type", "hidden").attribute("var", "FORM_TYPE")
                .child(value(FORM_TYPE)).build());
    }

    static Forms form(String title, String instructions) {
        return new Forms("form", title, instructions);
    }

    static Forms result(String title) {
        return new Forms("result", title, null);
    }

    Forms field(String var, String type, String label, boolean required, List<String> values) {
        Element.Builder f = Element.builder("field", DATA).attribute("var", var).attribute("type", type);
        if (label != null) {
            f.attribute("label", label);
        }
        if (required) {
            f.child(Element.empty("required", DATA));
        }
        for (String v : values) {
            f.child(value(v));
        }
        x.child(f.build());
        return this;
    }

    Forms field(String var, String type, String label, boolean required) {
        return field(var, type, label, required, List.of());
    }

    /** A list-single field with its options (label = value). */
    Forms options(String var, String label, String selected, List<String> options) {
        Element.Builder f = Element.builder("field", DATA).attribute("var", var).attribute("type", "list-single").attribute("label", label);
        f.child(value(selected));
        for (String o : options) {
            f.child(Element.builder("option", DATA).attribute("label", o).child(value(o)).build());
        }
        x.child(f.build());
        return this;
    }

    Element build() {
        return x.build();
    }

    private static Element value(String v) {
        return Element.builder("value", DATA).text(v).build();
    }
}
