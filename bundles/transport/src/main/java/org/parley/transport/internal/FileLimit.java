package org.parley.transport.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** The process's open-file limit, as far as the JVM can tell. */
final class FileLimit {
    /** Files the server keeps for itself beside client connections: jars, logs, the database, listeners. */
    static final int RESERVED = 512;

    private FileLimit() {
    }

    /** The soft limit on open files, or -1 where the JVM cannot tell (not a Unix). */
    static long current() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }
}
