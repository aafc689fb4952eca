package org.parley.api.adhoc;

import java.util.Map;
import org.jxmpp.jid.EntityFullJid;
import org.parley.api.stanza.Element;

/**
 * One stage of a command as the requester sent it.
 *
 * @param requester who runs the command
 * @param form the submitted data form ({@code jabber:x:data}, type submit), or null at the first stage
 * @param state what the previous stage kept ({@link AdHocStage#form}); empty at the first stage
 */
public record AdHocRequest(EntityFullJid requester, Element form, Map<String, Object> state) {
    public AdHocRequest {
        state = Map.copyOf(state);
    }

    /** The first value of a field of the submitted form, or null. */
    public String value(String var) {
        java.util.List<String> values = values(var);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a field of the submitted form (a multi field has several), in order; empty when absent. */
    public java.util.List<String> values(String var) {
        if (form == null) {
            return java.util.List.of();
        }
        for (Element field : form.elements()) {
            if (field.is("field", AdHocStage.DATA) && var.equals(field.attribute("var"))) {
                java.util.List<String> values = new java.util.ArrayList<>();
                for (Element value : field.elements()) {
                    if (value.is("value", AdHocStage.DATA)) {
                        values.add(value.text());
                    }
                }
                return values;
            }
        }
        return java.util.List.of();
    }
}
