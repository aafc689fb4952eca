package org.parley.muc.internal;

/**
 * The service's settings, validated: built from {@link MucConfig}, refusing a value that cannot
 * work by naming its key.
 */
record MucSettings(String subdomain, String serviceName, int maxOccupants, int historyLength, int maxHistoryLength,
        boolean nonAnonymousByDefault, CreatorPolicy roomCreators, CreatorPolicy persistentRoomCreators, int maxRoomsPerUser,
        int messageBurst, int messagesPerSecond) {
    static final int DEFAULT_MAX_ROOMS_PER_USER = 100;
    static final int DEFAULT_MESSAGE_BURST = 30;
    static final int DEFAULT_MESSAGES_PER_SECOND = 5;
    static final MucSettings DEFAULTS = new MucSettings("conference", "Chatrooms", 500, 20, 200, false,
            CreatorPolicy.EVERYONE, CreatorPolicy.EVERYONE);

    MucSettings(String subdomain, String serviceName, int maxOccupants, int historyLength, int maxHistoryLength,
            boolean nonAnonymousByDefault, CreatorPolicy roomCreators, CreatorPolicy persistentRoomCreators) {
        this(subdomain, serviceName, maxOccupants, historyLength, maxHistoryLength, nonAnonymousByDefault, roomCreators,
                persistentRoomCreators, DEFAULT_MAX_ROOMS_PER_USER, DEFAULT_MESSAGE_BURST, DEFAULT_MESSAGES_PER_SECOND);
    }

    MucSettings(String subdomain, String serviceName, int maxOccupants, int historyLength, int maxHistoryLength,
            boolean nonAnonymousByDefault) {
        this(subdomain, serviceName, maxOccupants, historyLength, maxHistoryLength, nonAnonymousByDefault,
                CreatorPolicy.EVERYONE, CreatorPolicy.EVERYONE);
    }

    /** @throws IllegalArgumentException naming the key of the first value that cannot work */
    static MucSettings from(MucConfig c) {
        String sub = c.subdomain() == null ? "" : c.subdomain().strip();
        if (sub.isEmpty() || !sub.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
            throw new IllegalArgumentException("key 'subdomain' must be one or more DNS labels (letters, digits, '-'), got '"
                    + c.subdomain() + "'");
        }
        if (c.maxOccupants() < 1) {
            throw new IllegalArgumentException("key 'maxOccupants' must be at least 1, got " + c.maxOccupants());
        }
        if (c.maxHistoryLength() < 0) {
            throw new IllegalArgumentException("key 'maxHistoryLength' must be 0 or more, got " + c.maxHistoryLength());
        }
        if (c.historyLength() < 0 || c.historyLength() > c.maxHistoryLength()) {
            throw new IllegalArgumentException("key 'historyLength' must be between 0 and maxHistoryLength ("
                    + c.maxHistoryLength() + "), got " + c.historyLength());
        }
        if (c.maxRoomsPerUser() < 1) {
            throw new IllegalArgumentException("key 'maxRoomsPerUser' must be at least 1, got " + c.maxRoomsPerUser());
        }
        if (c.messageBurst() < 1) {
            throw new IllegalArgumentException("key 'messageBurst' must be at least 1, got " + c.messageBurst());
        }
        if (c.messagesPerSecond() < 1) {
            throw new IllegalArgumentException("key 'messagesPerSecond' must be at least 1, got " + c.messagesPerSecond());
        }
        String name = c.serviceName() == null || c.serviceName().isBlank() ? DEFAULTS.serviceName() : c.serviceName().strip();
        return new MucSettings(sub.toLowerCase(java.util.Locale.ROOT), name, c.maxOccupants(), c.historyLength(),
                c.maxHistoryLength(), c.nonAnonymousByDefault(), CreatorPolicy.parse("roomCreators", c.roomCreators()),
                CreatorPolicy.parse("persistentRoomCreators", c.persistentRoomCreators()), c.maxRoomsPerUser(), c.messageBurst(),
                c.messagesPerSecond());
    }
}
