package org.parley.auth.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.parley.api.auth.SaslFailure;

/** Strict decoding of what a client sends: invalid UTF-8 or base64 is an error, never replaced. */
final class SaslText {
    private SaslText() {
    }

    static String utf8(byte[] bytes) throws SaslFailureException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SaslFailureException(SaslFailure.INCORRECT_ENCODING, "not UTF-8");
        }
    }

    static byte[] base64(String text, String what) throws SaslFailureException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new SaslFailureException(SaslFailure.INCORRECT_ENCODING, what + " is not base64");
        }
    }
}
