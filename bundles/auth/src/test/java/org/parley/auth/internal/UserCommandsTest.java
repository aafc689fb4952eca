package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.apache.felix.gogo.runtime.Reflective;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.auth.UserException;
import org.parley.api.storage.ScramHash;

/** The shell commands, called the way Gogo calls them: by function name through its Reflective. */
class UserCommandsTest {
    private final InMemoryUserStore store = new InMemoryUserStore();
    private final UserCommands commands = new UserCommands(new StoreUserManager(store, new AccountCache(), Databases.disabledAccounts(),
            JidCreate.domainBareFromOrThrowUnchecked("example.org"), AuthSettings.DEFAULTS, new SecureRandom(),
            StoreUserManager.IMPORT_BATCH),
            new ServerConfigValue("example.org"));

    @TempDir
    Path dir;

    private Object gogo(String function, Object... args) throws Exception {
        return Reflective.invoke(null, commands, function, List.of(args));
    }

    @Test
    void addListCountPasswdDelete() throws Exception {
        assertEquals("created alice@example.org", gogo("add", "alice", "pw"));
        assertEquals("created bob@example.org", gogo("add", "bob@example.org", "pw"));
        assertEquals("alice@example.org\nbob@example.org", gogo("list"));
        assertEquals("2", gogo("count"));
        assertEquals("password of alice@example.org changed", gogo("passwd", "alice", "new"));
        assertEquals("deleted bob@example.org", gogo("delete", "bob"));
        assertEquals("1", gogo("count"));
    }

    @Test
    void importIsReachableUnderItsKeywordName() throws Exception {
        Path file = dir.resolve("users.txt");
        Files.writeString(file, "alice a-password\ncarol@example.org another one\n", StandardCharsets.UTF_8);
        String out = (String) gogo("import", file.toString());
        assertTrue(out.startsWith("imported 2 accounts from " + file.toAbsolutePath()), out);
        assertEquals("2", gogo("count"));
    }

    @Test
    void importWithTheHashedOptionReadsScramCredentials() throws Exception {
        Path file = dir.resolve("hashed.txt");
        String sha256 = ScramAuthPassword.format(Scram.credential(ScramHash.SHA_256, "pw", new byte[] {1}, 4096));
        Files.writeString(file, "alice " + sha256 + "\n", StandardCharsets.UTF_8);

        String out = (String) gogo("import", "--hashed", file.toString());

        assertTrue(out.startsWith("imported 1 accounts from " + file.toAbsolutePath()), out);
        assertEquals("1", gogo("count"));
        UserException plain = assertThrows(UserException.class, () -> gogo("import", file.toString()));
        assertEquals("line 1: this is a SCRAM credential, not a password: import the file with --hashed",
                plain.getMessage());
        UserException unknown = assertThrows(UserException.class, () -> gogo("import", "--hash", file.toString()));
        assertEquals("unknown option '--hash': the only one is --hashed", unknown.getMessage());
    }

    @Test
    void errorsReachTheOperatorAsTheExceptionMessage() {
        UserException e = assertThrows(UserException.class, () -> gogo("add", "eve@example.com", "pw"));
        assertEquals("domain example.com is not served here (this server serves example.org)", e.getMessage());
        UserException missing = assertThrows(UserException.class, () -> gogo("import", dir.resolve("none.txt").toString()));
        assertTrue(missing.getMessage().startsWith("cannot read " + dir.resolve("none.txt")), missing.getMessage());
    }
}
