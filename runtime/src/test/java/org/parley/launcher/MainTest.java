package org.parley.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.control.ControlProtocol;

class MainTest {
    @TempDir
    Path dir;

    @Test
    void wrongArgumentCountIsAUsageError() {
        LauncherException e = assertThrows(LauncherException.class, () -> Main.userCommand(List.of("user", "add", "alice@localhost")));
        assertEquals(ControlProtocol.USAGE, e.exitCode());
    }

    @Test
    void unknownUserCommandIsAUsageError() {
        LauncherException e = assertThrows(LauncherException.class, () -> Main.userCommand(List.of("user", "frob")));
        assertEquals(ControlProtocol.USAGE, e.exitCode());
    }

    @Test
    void importFileIsMadeAbsoluteForTheServer() throws IOException {
        Path file = Files.writeString(dir.resolve("users.txt"), "alice@localhost pw\n");
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        List<String> words = Main.userCommand(List.of("user", "import", relative.toString()));
        assertTrue(Path.of(words.get(2)).isAbsolute());
        assertEquals(file, Path.of(words.get(2)));
    }

    @Test
    void hashedImportKeepsTheOptionAndMakesTheFileAbsolute() throws IOException {
        Path file = Files.writeString(dir.resolve("hashed.txt"), "alice@localhost SCRAM-SHA-1$4096:AA==$AA==:AA==\n");
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        List<String> words = Main.userCommand(List.of("user", "import", "--hashed", relative.toString()));
        assertEquals(List.of("user", "import", "--hashed", file.toString()), words);
    }

    @Test
    void importWithAnUnknownOptionOrWithoutAFileIsAUsageError() {
        for (List<String> words : List.of(List.of("user", "import", "--hash", "users.txt"),
                List.of("user", "import", "--hashed"), List.of("user", "import", "--hashed", "a.txt", "b.txt"))) {
            LauncherException e = assertThrows(LauncherException.class, () -> Main.userCommand(words));
            assertEquals(ControlProtocol.USAGE, e.exitCode(), words.toString());
        }
    }

    @Test
    void newBaseGetsTheDefaultConfigurationButAnOperatorsFileIsNeverOverwritten() throws IOException {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("defaults/etc"));
        Files.writeString(home.resolve("defaults/etc/org.parley.server.cfg"), "domain = localhost\n");
        Instance fresh = new Instance(home, dir.resolve("base1"));
        assertEquals(1, fresh.prepare().size());
        assertEquals("domain = localhost\n", Files.readString(fresh.etc.resolve("org.parley.server.cfg")));
        assertTrue(Files.isDirectory(fresh.data) && Files.isDirectory(fresh.deploy) && Files.isDirectory(fresh.log));

        Files.writeString(fresh.etc.resolve("org.parley.server.cfg"), "domain = example.org\n");
        assertEquals(0, new Instance(home, dir.resolve("base1")).prepare().size(), "a base with etc/ is left as it is");
        assertEquals("domain = example.org\n", Files.readString(fresh.etc.resolve("org.parley.server.cfg")));
    }

    @Test
    void aBaseWithoutLogbackXmlLogsWithTheDistributionsFile() throws IOException {
        Path home = dir.resolve("home2");
        Files.createDirectories(home.resolve("defaults/etc"));
        Instance partial = new Instance(home, dir.resolve("base2"));
        Files.createDirectories(partial.etc);
        Files.writeString(partial.etc.resolve("org.parley.server.cfg"), "domain = example.org\n");
        assertEquals(home.resolve("defaults/etc/logback.xml").toAbsolutePath().normalize(),
                Main.logbackConfiguration(partial));

        Files.writeString(partial.etc.resolve("logback.xml"), "<configuration/>\n");
        assertEquals(partial.etc.resolve("logback.xml"), Main.logbackConfiguration(partial), "the operator's own file wins");
    }

    @Test
    void disableEnableAndDisabledTakeTheirArguments() {
        assertEquals(List.of("user", "disable", "alice"), Main.userCommand(List.of("user", "disable", "alice")));
        assertEquals(List.of("user", "enable", "alice"), Main.userCommand(List.of("user", "enable", "alice")));
        assertEquals(List.of("user", "disabled"), Main.userCommand(List.of("user", "disabled")));
        for (List<String> words : List.of(List.of("user", "disable"), List.of("user", "enable", "a", "b"),
                List.of("user", "disabled", "x"))) {
            assertEquals(ControlProtocol.USAGE, assertThrows(LauncherException.class, () -> Main.userCommand(words)).exitCode());
        }
    }

    @Test
    void usageCommandsAreCheckedBeforeAnythingStarts() {
        assertEquals(List.of("usage", "now"), Main.usageCommand(List.of("usage", "now")));
        assertEquals(List.of("usage", "weeks", "52"), Main.usageCommand(List.of("usage", "weeks", "52")));
        assertEquals(List.of("usage", "weeks"), Main.usageCommand(List.of("usage", "weeks")));
        for (List<String> words : List.of(List.of("usage"), List.of("usage", "later"), List.of("usage", "weeks", "0"),
                List.of("usage", "weeks", "-3"), List.of("usage", "now", "please"), List.of("usage", "weeks", "99999"))) {
            assertEquals(ControlProtocol.USAGE, assertThrows(LauncherException.class, () -> Main.usageCommand(words)).exitCode(),
                    words.toString());
        }
    }

    @Test
    void adminCommandsJoinTheirTextAndRefuseWhatTheyDoNotKnow() {
        assertEquals(List.of("admin", "announce", "back at noon"), Main.adminCommand(List.of("admin", "announce", "back", "at", "noon")));
        assertEquals(List.of("admin", "motd"), Main.adminCommand(List.of("admin", "motd")));
        assertEquals(List.of("admin", "motd", "hello all"), Main.adminCommand(List.of("admin", "motd", "hello", "all")));
        assertEquals(List.of("admin", "sessions", "a@b"), Main.adminCommand(List.of("admin", "sessions", "a@b")));
        for (List<String> words : List.of(List.of("admin"), List.of("admin", "reboot"), List.of("admin", "announce"),
                List.of("admin", "end"), List.of("admin", "online", "x"), List.of("admin", "sessions", "a", "b"))) {
            assertEquals(ControlProtocol.USAGE, assertThrows(LauncherException.class, () -> Main.adminCommand(words)).exitCode(),
                    words.toString());
        }
    }

    @Test
    void roomAndBundleCommandsCheckTheirArgumentsAndMakeAJarPathAbsolute() throws Exception {
        assertEquals(List.of("room", "destroy", "lab", "moved to the new lab"),
                Main.roomCommand(List.of("room", "destroy", "lab", "moved", "to", "the", "new", "lab")));
        assertEquals(List.of("room", "occupants", "lab"), Main.roomCommand(List.of("room", "occupants", "lab")));
        assertEquals(List.of("bundle", "stop", "org.parley.im"), Main.bundleCommand(List.of("bundle", "stop", "org.parley.im")));
        java.nio.file.Path jar = java.nio.file.Files.createTempFile("im", ".jar");
        try {
            String relative = java.nio.file.Path.of("").toAbsolutePath().relativize(jar).toString();
            assertEquals(List.of("bundle", "upgrade", jar.toString()), Main.bundleCommand(List.of("bundle", "upgrade", relative)));
        } finally {
            java.nio.file.Files.delete(jar);
        }
        assertThrows(LauncherException.class, () -> Main.bundleCommand(List.of("bundle", "upgrade", "no-such.jar")));
        for (List<String> words : List.of(List.of("room"), List.of("room", "list", "x"), List.of("room", "occupants"),
                List.of("room", "rename", "a"), List.of("bundle"), List.of("bundle", "stop"), List.of("bundle", "remove", "x"),
                List.of("bundle", "list", "x"))) {
            boolean room = words.get(0).equals("room");
            assertEquals(ControlProtocol.USAGE, assertThrows(LauncherException.class, () -> {
                if (room) {
                    Main.roomCommand(words);
                } else {
                    Main.bundleCommand(words);
                }
            }).exitCode(), words.toString());
        }
    }
}
