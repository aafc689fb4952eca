package org.parley.auth.internal;

import org.parley.api.auth.SaslFailure;

/** Parsing of the SCRAM client messages (RFC 5802 section 7). */
final class ScramMessages {
    private ScramMessages() {
    }

    /**
     * client-first-message = gs2-header client-first-message-bare.
     *
     * @param cbindFlag 'n', 'y' or 'p'
     * @param cbindName the channel-binding type after "p=", else null
     * @param authzid the decoded authorization identity, empty when absent
     * @param gs2Header the header exactly as sent, which the client repeats in c=
     * @param username the decoded saslname, not yet prepared
     * @param bare client-first-message-bare, part of the AuthMessage
     */
    record ClientFirst(char cbindFlag, String cbindName, String authzid, String gs2Header, String username,
            String nonce, String bare) {
    }

    /**
     * client-final-message.
     *
     * @param channelBinding the decoded c= value
     * @param withoutProof client-final-message-without-proof, part of the AuthMessage
     */
    record ClientFinal(byte[] channelBinding, String nonce, byte[] proof, String withoutProof) {
    }

    static ClientFirst clientFirst(String message) throws SaslFailureException {
        // gs2-header = gs2-cbind-flag "," [ authzid ] ","
        int firstComma = message.indexOf(',');
        int secondComma = firstComma < 0 ? -1 : message.indexOf(',', firstComma + 1);
        if (secondComma < 0) {
            throw malformed("no GS2 header");
        }
        String flag = message.substring(0, firstComma);
        char cbindFlag;
        String cbindName = null;
        if (flag.equals("n") || flag.equals("y")) {
            cbindFlag = flag.charAt(0);
        } else if (flag.startsWith("p=") && flag.length() > 2) {
            cbindFlag = 'p';
            cbindName = flag.substring(2);
            if (!cbindName.matches("[A-Za-z0-9.-]+")) {
                throw malformed("invalid channel-binding name");
            }
        } else {
            throw malformed("invalid channel-binding flag");
        }
        String authzidField = message.substring(firstComma + 1, secondComma);
        String authzid = "";
        if (!authzidField.isEmpty()) {
            if (!authzidField.startsWith("a=")) {
                throw malformed("invalid authzid field");
            }
            authzid = saslname(authzidField.substring(2));
        }
        String gs2Header = message.substring(0, secondComma + 1);
        String bare = message.substring(secondComma + 1);

        // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
        String[] attributes = bare.split(",", -1);
        if (attributes[0].startsWith("m=")) {
            // RFC 5802: a server that sees the reserved mandatory extension must fail.
            throw malformed("mandatory extension not supported");
        }
        if (attributes.length < 2 || !attributes[0].startsWith("n=") || !attributes[1].startsWith("r=")) {
            throw malformed("expected n= and r=");
        }
        String username = saslname(attributes[0].substring(2));
        String nonce = attributes[1].substring(2);
        checkNonce(nonce);
        return new ClientFirst(cbindFlag, cbindName, authzid, gs2Header, username, nonce, bare);
    }

    static ClientFinal clientFinal(String message) throws SaslFailureException {
        // client-final-message = "c=" base64 ",r=" nonce ["," extensions] ",p=" base64
        int proofStart = message.lastIndexOf(",p=");
        if (!message.startsWith("c=") || proofStart < 0) {
            throw malformed("expected c=, r= and p=");
        }
        String withoutProof = message.substring(0, proofStart);
        String proof = message.substring(proofStart + 3);
        String[] attributes = withoutProof.split(",", -1);
        if (attributes.length < 2 || !attributes[1].startsWith("r=") || proof.contains(",")) {
            throw malformed("expected c=, r= and p=");
        }
        byte[] channelBinding = SaslText.base64(attributes[0].substring(2), "c=");
        String nonce = attributes[1].substring(2);
        checkNonce(nonce);
        return new ClientFinal(channelBinding, nonce, SaslText.base64(proof, "p="), withoutProof);
    }

    /** saslname: "=2C" stands for ',' and "=3D" for '='; any other '=' is an error. */
    static String saslname(String value) throws SaslFailureException {
        if (value.isEmpty()) {
            throw malformed("empty name");
        }
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '=') {
                if (value.startsWith("=2C", i)) {
                    sb.append(',');
                } else if (value.startsWith("=3D", i)) {
                    sb.append('=');
                } else {
                    throw malformed("invalid escape in name");
                }
                i += 2;
            } else if (c == '\0') {
                throw malformed("NUL in name");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** printable = %x21-2B / %x2D-7E: visible ASCII except ','. */
    private static void checkNonce(String nonce) throws SaslFailureException {
        if (nonce.isEmpty()) {
            throw malformed("empty nonce");
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') {
                throw malformed("invalid character in nonce");
            }
        }
    }

    private static SaslFailureException malformed(String text) {
        return new SaslFailureException(SaslFailure.MALFORMED_REQUEST, text);
    }
}
