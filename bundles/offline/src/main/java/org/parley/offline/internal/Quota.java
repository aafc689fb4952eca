package org.parley.offline.internal;

/**
 * The per-user limit of offline storage, validated: built from {@link OfflineConfig}, refusing a
 * value that cannot work by naming its key.
 */
record Quota(int maxMessages, long maxBytes) {
    static final Quota DEFAULTS = new Quota(1000, 10L * 1024 * 1024);

    /** @throws IllegalArgumentException naming the key of the first value that cannot work */
    static Quota from(OfflineConfig c) {
        if (c.maxMessagesPerUser() < 1) {
            throw new IllegalArgumentException("key 'maxMessagesPerUser' must be at least 1, got " + c.maxMessagesPerUser());
        }
        // A quota below a short message refuses every message: that is a typo, not a policy.
        if (c.maxBytesPerUser() < 1024) {
            throw new IllegalArgumentException("key 'maxBytesPerUser' must be at least 1024, got " + c.maxBytesPerUser());
        }
        return new Quota(c.maxMessagesPerUser(), c.maxBytesPerUser());
    }

    /** True when one more message of {@code bytes} fits beside {@code count} messages of {@code used} bytes. */
    boolean admits(int count, long used, int bytes) {
        return count < maxMessages && used + bytes <= maxBytes;
    }
}
