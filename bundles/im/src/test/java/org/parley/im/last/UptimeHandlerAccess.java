package org.parley.im.last;

import java.util.function.LongSupplier;
import org.parley.api.routing.ServerInfo;

/** Lets tests build the handler without OSGi, with a start and a present of their own. */
public final class UptimeHandlerAccess {
    private UptimeHandlerAccess() {
    }

    public static UptimeHandler create(ServerInfo server, LongSupplier startMillis, LongSupplier nowMillis) {
        return new UptimeHandler(server, startMillis, nowMillis);
    }
}
