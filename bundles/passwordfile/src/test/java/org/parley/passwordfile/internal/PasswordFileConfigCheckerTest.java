package org.parley.passwordfile.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.api.config.ConfigurationProblem;

class PasswordFileConfigCheckerTest {
    private final PasswordFileConfigChecker checker = new PasswordFileConfigChecker(Path.of("/tmp/etc-that-does-not-exist"));

    @Test
    void aNameTheFileSystemRefusesIsRefusedWithItsKey() {
        List<ConfigurationProblem> problems = checker.check(Map.of("file", "pass\0words"));
        assertEquals(1, problems.size(), problems::toString);
        assertEquals("file", problems.get(0).key());
        assertTrue(problems.get(0).reason().startsWith("not a file name"), problems::toString);
    }

    @Test
    void aFileThatDoesNotExistYetAndNoFileAtAllAreValid() {
        assertEquals(List.of(), checker.check(Map.of("file", "passwords-to-come")));
        assertEquals(List.of(), checker.check(Map.of("file", "")));
        assertEquals(List.of(), checker.check(Map.of()));
    }
}
