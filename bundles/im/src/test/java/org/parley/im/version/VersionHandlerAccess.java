package org.parley.im.version;

import org.parley.api.routing.ServerInfo;

/** Lets tests build the handler without OSGi. */
public final class VersionHandlerAccess {
    private VersionHandlerAccess() {
    }

    public static VersionHandler create(ServerInfo server, String version) {
        return new VersionHandler(server, version);
    }
}
