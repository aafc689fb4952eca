package org.parley.api.adhoc;

import java.util.Map;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * What a stage of a command answers: a form to fill in, the end (with a note and possibly a
 * result form), or an error. Made with the static methods.
 *
 * @param form the data form ({@code jabber:x:data}) to show: type form while executing, type result when completed; or null
 * @param state what the next stage gets back (JDK values only: it may cross an upgrade of the adhoc bundle)
 * @param completed whether the command ended
 * @param note a line for the user (XEP-0050 note, type info), or null
 * @param error the error to answer with, or null
 * @param errorText the error's text
 * @param badPayload whether the error is about what the user submitted (XEP-0050 {@code bad-payload})
 */
public record AdHocStage(Element form, Map<String, Object> state, boolean completed, String note, StanzaErrorCondition error,
        String errorText, boolean badPayload) {
    /** The data forms namespace (XEP-0004). */
    public static final String DATA = "jabber:x:data";

    public AdHocStage {
        state = state == null ? Map.of() : Map.copyOf(state);
    }

    /** Asks the user to fill in a form (XEP-0004, type form); the next stage gets it with {@code state}. */
    public static AdHocStage form(Element form, Map<String, Object> state) {
        return new AdHocStage(form, state, false, null, null, null, false);
    }

    /** The command is done; {@code note} says what it did. */
    public static AdHocStage completed(String note) {
        return new AdHocStage(null, Map.of(), true, note, null, null, false);
    }

    /** The command is done and shows a result form (type result). */
    public static AdHocStage completed(Element result, String note) {
        return new AdHocStage(result, Map.of(), true, note, null, null, false);
    }

    /** What the user submitted cannot be used: {@code bad-request} with XEP-0050's {@code bad-payload}. */
    public static AdHocStage badPayload(String text) {
        return new AdHocStage(null, Map.of(), true, null, StanzaErrorCondition.BAD_REQUEST, text, true);
    }

    /** Any other error (item-not-found, conflict, internal-server-error, resource-constraint...). */
    public static AdHocStage error(StanzaErrorCondition condition, String text) {
        return new AdHocStage(null, Map.of(), true, null, condition, text, false);
    }
}
