package org.parley.jid.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringPrepUtil;
import org.jxmpp.util.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties jxmpp's process-wide caches of prepared strings and parsed JIDs.
 *
 * <p>jxmpp 1.1.0 keeps them in private static fields and offers no way to clear them:
 * <ul>
 * <li>{@link XmppStringPrepUtil} caches localprep/domainprep/resourceprep results keyed by the
 * input string alone, not by the stringprep that produced them. Without clearing, a string
 * prepared before the switch keeps its old preparation (a full-width localpart stays
 * full-width after PRECIS is installed).</li>
 * <li>{@link JidCreate} caches JIDs keyed by (string, stringprep instance). Those results are
 * not stale, but the keys hold our stringprep, and with it this bundle's class loader, after
 * the bundle is stopped or updated.</li>
 * </ul>
 * The caches are {@code LruCache}s, which are {@link Map}s; they are found by type rather than
 * by field name so that a renamed field in a later jxmpp does not silently stop the clearing.
 * If reflection fails, a warning says what remains cached.
 */
final class JxmppCaches {
    private static final Logger LOG = LoggerFactory.getLogger(JxmppCaches.class);

    private JxmppCaches() {
    }

    /** Clears every jxmpp cache; returns how many caches were cleared. */
    static int clearAll() {
        return clearStaticCaches(XmppStringPrepUtil.class) + clearStaticCaches(JidCreate.class);
    }

    private static int clearStaticCaches(Class<?> owner) {
        int cleared = 0;
        for (Field field : owner.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || !Cache.class.isAssignableFrom(field.getType())) {
                continue;
            }
            try {
                field.setAccessible(true);
                Object cache = field.get(null);
                if (cache instanceof Map<?, ?> map) {
                    map.clear();
                    cleared++;
                } else if (cache != null) {
                    LOG.warn("jxmpp cache {}.{} is a {}, which cannot be cleared; entries made with the previous "
                            + "stringprep stay until evicted", owner.getSimpleName(), field.getName(),
                            cache.getClass().getName());
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warn("Could not clear jxmpp cache {}.{}; entries made with the previous stringprep stay until "
                        + "evicted", owner.getSimpleName(), field.getName(), e);
            }
        }
        return cleared;
    }
}
