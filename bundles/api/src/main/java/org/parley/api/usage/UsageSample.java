package org.parley.api.usage;

import java.time.Duration;
import java.time.Instant;

/**
 * The service's figures at one moment. Rates are per second over the interval that ended at
 * {@code at} (the sampling interval, or since the previous reading for a sample taken on demand).
 *
 * @param at when it was taken
 * @param onlineUsers distinct accounts with at least one bound session
 * @param sessions bound sessions, detached (resumable) ones included
 * @param messagesPerSecond message stanzas clients sent, per second
 * @param presencesPerSecond presence stanzas clients sent, per second
 * @param iqsPerSecond iq stanzas clients sent, per second
 * @param logins successful authentications since the server started
 * @param failedLogins failed authentications since the server started
 * @param uptime since the server (the OSGi framework) started
 * @param heapUsedBytes the JVM heap in use
 * @param heapMaxBytes the heap's limit ({@code -Xmx}), or -1 when there is none
 */
public record UsageSample(Instant at, int onlineUsers, int sessions, double messagesPerSecond,
        double presencesPerSecond, double iqsPerSecond, long logins, long failedLogins, Duration uptime,
        long heapUsedBytes, long heapMaxBytes) {
}
