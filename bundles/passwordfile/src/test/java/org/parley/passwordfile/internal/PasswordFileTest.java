package org.parley.passwordfile.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordFileTest {
    @Test
    void linesAreUserColonHashAndCommentsAndBlankLinesAreSkipped() {
        PasswordFile.Loaded l = PasswordFile.parse(List.of("# replicated nightly", "", "alice:" + PasswordHashTest.SHA512,
                "  Bob : " + PasswordHashTest.APR1 + "\r", "carol:" + PasswordHashTest.BCRYPT_UUU), Map.of());
        assertEquals(List.of(), l.problems());
        assertEquals(3, l.entries().size());
        assertTrue(l.entries().get("bob").matches("secret pw"), "user names are prepared (case-mapped)");
    }

    @Test
    void aMalformedLineIsNamedAndSkippedAndItsUsersPreviousEntryStays() {
        Map<String, PasswordHash> before = PasswordFile.parse(List.of("alice:" + PasswordHashTest.SHA512,
                "dave:" + PasswordHashTest.SHA256), Map.of()).entries();
        PasswordFile.Loaded l = PasswordFile.parse(List.of("alice:" + PasswordHashTest.SHA512.substring(0, 40),
                "dave:" + PasswordHashTest.SHA256, "no colon here", "erin:plaintext", "a@b:" + PasswordHashTest.SHA256,
                "dave:" + PasswordHashTest.APR1, "frank:" + PasswordHashTest.SHA256 + ":0:99999"), before);
        assertEquals(List.of(1, 3, 4, 5, 6, 7), l.problems().stream().map(PasswordFile.Problem::line).toList());
        assertTrue(l.problems().get(0).reason().contains("previous entry stays"), l.problems().get(0).reason());
        assertTrue(l.problems().get(4).reason().contains("line 2"), l.problems().get(4).reason());
        assertEquals(before.get("alice"), l.entries().get("alice"), "alice keeps her old hash");
        assertEquals(before.get("dave"), l.entries().get("dave"), "the first of two lines counts");
        assertEquals(2, l.entries().size(), "erin, a@b and frank are not in: " + l.entries().keySet());
        for (PasswordFile.Problem p : l.problems()) {
            assertTrue(!p.reason().contains("saltsalt$"), "no hash in the log: " + p.reason());
        }
    }
}
