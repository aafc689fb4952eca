package @package@.internal;

import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;

/** What the component answers, as plain functions of what it got: unit-tested without a server. */
final class @Class@Replies {
    private @Class@Replies() {
    }

    /** The answer to {@code in}, or null when nothing is to be answered (errors, presence, results). */
    static Stanza answer(Stanza in, String greeting) {
        if (in.isError() || in.from() == null) {
            return null; // never answer an error with an error
        }
        if (in.isIqRequest()) {
            return in.errorReply(StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
        }
        String body = in.element().childText("body");
        if (in.kind() != Stanza.Kind.MESSAGE || body == null) {
            return null;
        }
        Element.Builder reply = Element.builder("message", Namespaces.CLIENT)
                .attribute("from", in.to().toString()).attribute("to", in.from().toString())
                .attribute("type", "chat".equals(in.type()) ? "chat" : "normal")
                .textChild("body", greeting + ": " + body);
        if (in.id() != null) {
            reply.attribute("id", in.id());
        }
        return Stanza.create(reply.build());
    }
}
