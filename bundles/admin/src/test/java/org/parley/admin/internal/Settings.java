package org.parley.admin.internal;

import java.time.Duration;
import java.util.Set;

final class Settings {
    private Settings() {
    }

    /** idle 60 s, lifetime 600 s, 3 failures per address, 2 per account, a 100 s window. */
    static AdminSettings small() {
        return new AdminSettings(Set.of("admin"), Duration.ofSeconds(60), Duration.ofSeconds(600), 3, 2, Duration.ofSeconds(100), false,
                1 << 20);
    }
}
