package org.parley.im.time;

import java.time.Clock;
import org.parley.api.routing.ServerInfo;

/** Lets tests build the handler without OSGi, on a clock of their own. */
public final class TimeHandlerAccess {
    private TimeHandlerAccess() {
    }

    public static TimeHandler create(ServerInfo server, Clock clock) {
        return new TimeHandler(server, clock);
    }
}
