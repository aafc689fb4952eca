package org.parley.admin.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rooms as the REST API shows them, in JDK types only: registered by {@link RoomsResource}
 * while the multi-user chat runs, so that the servlet never loads the muc bundle's API (its
 * import is optional: the admin feature runs without the im feature).
 */
interface RoomsApi {
    String domain();

    List<Map<String, Object>> rooms();

    /** The room with its occupants; empty when there is no such room. */
    Optional<Map<String, Object>> room(String roomJid);

    boolean destroy(String roomJid, String reason);
}
