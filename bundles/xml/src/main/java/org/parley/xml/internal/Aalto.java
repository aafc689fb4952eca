package org.parley.xml.internal;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.XMLInputFactory2;
import org.parley.api.stanza.StreamErrorCondition;

/**
 * The one aalto factory of this bundle, configured for XMPP, and the mapping of aalto's errors to
 * stream error conditions.
 *
 * <p>The factory is constructed directly: inside OSGi, {@code XMLInputFactory.newInstance()} finds
 * the JDK's parser through the thread context class loader, not aalto (shared/STACK.md, pitfall 6).
 */
public final class Aalto {
    /** Names seeded into the shared name table (see {@link #prewarm}). */
    private static final String ATTRIBUTE_NAMES = "to from id type version xml:lang name node jid subscription ask"
            + " var category hash ext by stamp h location max previd resume code role affiliation label seconds"
            + " since maxchars maxstanzas ver approved count start end uri queryid with";

    private static final String ELEMENT_NAMES = "message presence iq body subject thread show status priority error"
            + " text query item group x c delay active composing paused inactive gone request received markable"
            + " displayed acknowledged origin-id stanza-id store no-store no-copy no-permanent-store starttls"
            + " proceed failure mechanisms mechanism auth response challenge success abort bind resource jid"
            + " session optional required enable enabled resume resumed r a sm ping pubsub items event publish"
            + " publish-options retract subscribe unsubscribe identity feature nick sent forwarded private result"
            + " set first last count before after max index fin field value option title instructions reported"
            + " vCard FN NICKNAME PHOTO TYPE BINVAL url desc history password invite reason decline destroy actor"
            + " continue encrypted header key payload encryption hint data open close transport candidate"
            + " description content jingle reference reply fallback replace attention html p span br"
            + " bad-request conflict feature-not-implemented forbidden internal-server-error item-not-found"
            + " jid-malformed not-acceptable not-allowed not-authorized policy-violation recipient-unavailable"
            + " redirect registration-required remote-server-not-found remote-server-timeout resource-constraint"
            + " service-unavailable subscription-required undefined-condition unexpected-request bad-format"
            + " bad-namespace-prefix connection-timeout host-gone host-unknown improper-addressing invalid-from"
            + " invalid-namespace invalid-xml not-well-formed remote-connection-failed reset restricted-xml"
            + " see-other-host system-shutdown unsupported-encoding unsupported-feature unsupported-stanza-type"
            + " unsupported-version aborted account-disabled credentials-expired encryption-required"
            + " incorrect-encoding invalid-authzid invalid-mechanism malformed-request mechanism-too-weak"
            + " temporary-auth-failure";

    private static final InputFactoryImpl FACTORY = createFactory();

    private Aalto() {
    }

    /** A new non-blocking reader; readers are cheap to make, the factory is shared and thread-safe. */
    public static AsyncXMLStreamReader<AsyncByteArrayFeeder> newReader() {
        return FACTORY.createAsyncForByteArray();
    }

    /**
     * The condition for an error aalto raised. aalto reports every well-formedness problem as a
     * WFCException, so the few conditions RFC 6120 distinguishes are told apart by aalto's message
     * (pinned by the xml bundle's tests).
     */
    public static StreamErrorCondition classify(XMLStreamException e) {
        String message = e.getMessage();
        if (message != null) {
            if (message.startsWith("Unbound namespace prefix")) {
                return StreamErrorCondition.BAD_NAMESPACE_PREFIX;
            }
            if (message.startsWith("Unexpanded ENTITY_REFERENCE")) {
                // an entity other than the five predefined ones, in an attribute value
                return StreamErrorCondition.RESTRICTED_XML;
            }
            if (message.contains("expected either '-' for COMMENT or '[CDATA['")) {
                // "<!" followed by anything but a comment or CDATA: a markup declaration (DOCTYPE,
                // ENTITY, ELEMENT, ATTLIST) inside the stream, which RFC 6120 section 11.1 refuses.
                return StreamErrorCondition.RESTRICTED_XML;
            }
            if (message.startsWith("Unsupported encoding")) {
                return StreamErrorCondition.UNSUPPORTED_ENCODING;
            }
        }
        return StreamErrorCondition.NOT_WELL_FORMED;
    }

    private static InputFactoryImpl createFactory() {
        InputFactoryImpl f = new InputFactoryImpl();
        // DTDs are never processed; with entity replacement off, an undeclared entity in content is
        // reported as an ENTITY_REFERENCE event (refused) instead of being expanded or failing obscurely.
        f.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, Boolean.FALSE);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        // aalto's async scanner cannot coalesce text; the stream parser merges adjacent text itself.
        f.setProperty(XMLInputFactory.IS_COALESCING, Boolean.FALSE);
        // Lazy parsing stays on (the default): aalto 1.4.0's eager mode fails with an internal error
        // on a character reference that starts a text segment split across pieces.
        f.setProperty(XMLInputFactory2.P_LAZY_PARSING, Boolean.TRUE);
        prewarm(f);
        return f;
    }

    /**
     * Fills the factory's shared name table with the names XMPP streams use. Each reader starts
     * with a copy-on-write view of that table and copies it (several KiB) at the first name it
     * does not know; seeding it keeps ordinary readers on the shared arrays.
     *
     * <p>This is the only reader ever closed: closing merges a reader's names into the shared table,
     * so closing the readers of client streams would let a client grow that table without bound
     * with made-up names. Stream readers are dropped instead.
     */
    private static void prewarm(InputFactoryImpl f) {
        StringBuilder doc = new StringBuilder(4096);
        doc.append("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'");
        for (String attribute : ATTRIBUTE_NAMES.split(" ")) {
            doc.append(' ').append(attribute).append("=''");
        }
        doc.append("><stream:features/><stream:error/>");
        for (String element : ELEMENT_NAMES.split(" ")) {
            doc.append('<').append(element).append("/>");
        }
        doc.append("</stream:stream>");
        byte[] bytes = doc.toString().getBytes(StandardCharsets.UTF_8);
        AsyncXMLStreamReader<AsyncByteArrayFeeder> r = f.createAsyncForByteArray();
        try {
            r.getInputFeeder().feedInput(bytes, 0, bytes.length);
            while (r.next() != AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                // the names are entered into the reader's table while parsing
            }
            r.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot seed the XML name table", e);
        }
    }
}
