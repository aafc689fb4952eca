package org.parley.passwordfile.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import rocks.xmpp.precis.PrecisProfiles;

/**
 * Reads the lines of a password file: {@code user:hash}, one a line; blank lines and lines
 * starting with {@code #} are skipped. A malformed line is reported with its number and skipped;
 * when its user is still recognisable and had an entry in the file's previous version, that entry
 * stays, so a typo made while editing one line locks nobody out.
 */
final class PasswordFile {
    private static final String FORBIDDEN_IN_LOCALPART = "\"&'/:<>@";
    private static final int MAX_LOCALPART_OCTETS = 1023;

    /** A line that was skipped: its number (from 1) and why, never its hash. */
    record Problem(int line, String reason) {
    }

    /** The entries read, by prepared username, and the lines skipped. */
    record Loaded(Map<String, PasswordHash> entries, List<Problem> problems) {
    }

    private PasswordFile() {
    }

    static Loaded parse(List<String> lines, Map<String, PasswordHash> previous) {
        Map<String, PasswordHash> entries = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                problems.add(new Problem(number, "no ':' between user and hash"));
                continue;
            }
            String rawUser = line.substring(0, colon).strip();
            String user;
            try {
                user = username(rawUser);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(number, e.getMessage()));
                continue;
            }
            if (lineOf.containsKey(user)) {
                problems.add(new Problem(number, "user '" + user + "' is already on line " + lineOf.get(user) + ", which counts"));
                continue;
            }
            String hash = line.substring(colon + 1).strip();
            try {
                if (hash.indexOf(':') >= 0) {
                    throw new IllegalArgumentException("more fields than user:hash");
                }
                entries.put(user, PasswordHash.parse(hash));
                lineOf.put(user, number);
            } catch (IllegalArgumentException e) {
                PasswordHash old = previous.get(user);
                if (old != null) {
                    entries.put(user, old);
                    lineOf.put(user, number);
                }
                problems.add(new Problem(number, "user '" + user + "': " + e.getMessage()
                        + (old != null ? "; the previous entry stays" : "")));
            }
        }
        return new Loaded(Map.copyOf(entries), List.copyOf(problems));
    }

    /** RFC 7622 section 3.3: UsernameCaseMapped, then the characters a JID's localpart must not have. */
    static String username(String raw) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("the user name is empty");
        }
        String prepared;
        try {
            prepared = PrecisProfiles.USERNAME_CASE_MAPPED.enforce(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a valid user name: " + e.getMessage());
        }
        for (int i = 0; i < prepared.length(); i++) {
            if (FORBIDDEN_IN_LOCALPART.indexOf(prepared.charAt(i)) >= 0) {
                throw new IllegalArgumentException("'" + raw + "' is not a valid user name: it contains '" + prepared.charAt(i) + "'");
            }
        }
        if (prepared.getBytes(StandardCharsets.UTF_8).length > MAX_LOCALPART_OCTETS) {
            throw new IllegalArgumentException("the user name is longer than " + MAX_LOCALPART_OCTETS + " bytes");
        }
        return prepared;
    }
}
