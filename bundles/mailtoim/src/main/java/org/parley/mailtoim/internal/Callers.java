package org.parley.mailtoim.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The systems allowed to call, by the SHA-256 of their tokens: the configuration holds no token,
 * only what proves one. Tokens are long random strings, so an unsalted hash is enough; every
 * configured hash is compared in constant time, and all of them, so the time a refusal takes
 * says nothing about which came close.
 */
final class Callers {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    record Caller(String name, byte[] tokenHash) {
    }

    private final List<Caller> callers;

    private Callers(List<Caller> callers) {
        this.callers = List.copyOf(callers);
    }

    /**
     * @param value the {@code tokens} key: {@code name:sha256hex}, comma-separated
     * @throws IllegalArgumentException naming the key and the entry that is wrong
     */
    static Callers parse(String value) {
        List<Caller> callers = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return new Callers(callers);
        }
        String[] entries = value.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int colon = entry.indexOf(':');
            String name = colon < 0 ? entry : entry.substring(0, colon).strip();
            String hash = colon < 0 ? "" : entry.substring(colon + 1).strip();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("key 'tokens', entry " + (i + 1) + ": the name '" + name
                        + "' must be 1 to 64 letters, digits, '.', '_' or '-', followed by ':' and the token's SHA-256");
            }
            if (!SHA256_HEX.matcher(hash).matches()) {
                throw new IllegalArgumentException("key 'tokens', entry " + (i + 1) + " (" + name
                        + "): after ':' comes the token's SHA-256 in hex (64 characters), not the token itself");
            }
            for (Caller c : callers) {
                if (c.name().equals(name)) {
                    throw new IllegalArgumentException("key 'tokens': the name '" + name + "' is there twice");
                }
            }
            callers.add(new Caller(name, HexFormat.of().parseHex(hash.toLowerCase(java.util.Locale.ROOT))));
        }
        return new Callers(callers);
    }

    int size() {
        return callers.size();
    }

    /** The caller whose token this is, or null. */
    String identify(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] presented = sha256(token);
        String found = null;
        for (Caller c : callers) {
            if (MessageDigest.isEqual(presented, c.tokenHash()) && found == null) {
                found = c.name();
            }
        }
        return found;
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
