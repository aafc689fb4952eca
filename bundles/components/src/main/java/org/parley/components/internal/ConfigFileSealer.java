package org.parley.components.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces plain secrets in the configuration file with their sealed form, in place: the
 * operator writes {@code secret.<domain> = <secret>}, and within a second of the server reading
 * it the line says {@code secret.<domain> = sealed:...}. Only the value of those lines changes;
 * comments and every other line stay as the operator wrote them. FileInstall then reads the file
 * again, and the sealed values open to the same secrets, so nothing else changes.
 */
final class ConfigFileSealer {
    private ConfigFileSealer() {
    }

    /**
     * @param sealed the new value, by the key whose plain value it replaces
     * @return the keys whose line was rewritten
     */
    static List<String> rewrite(Path file, Map<String, String> sealed) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> rewritten = new ArrayList<>();
        List<String> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            String key = keyOf(line);
            String value = key == null ? null : sealed.get(key);
            if (value != null && !rewritten.contains(key)) {
                out.add(key + " = " + value);
                rewritten.add(key);
            } else {
                out.add(line);
            }
        }
        if (rewritten.isEmpty()) {
            return rewritten;
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".sealing");
        Files.write(tmp, out, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return rewritten;
    }

    /** The key of a {@code key = value} (or {@code key: value}) line, or null for comments and blanks. */
    static String keyOf(String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#") || s.startsWith("!")) {
            return null;
        }
        int end = 0;
        while (end < s.length() && s.charAt(end) != '=' && s.charAt(end) != ':' && !Character.isWhitespace(s.charAt(end))) {
            if (s.charAt(end) == '\\') {
                return null; // an escaped key is not one of ours (domains need no escapes)
            }
            end++;
        }
        return s.substring(0, end);
    }
}
