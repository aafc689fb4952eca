package org.parley.offline.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.auth.AccountListener;
import org.parley.api.offline.OfflineMessageListener;
import org.parley.api.offline.OfflineStatistics;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.routing.UndeliverableMessageHandler;
import org.parley.api.server.StateHandoff;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;
import org.parley.api.storage.SqlDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline storage as the server sees it: the undeliverable-message hook, a session listener, and
 * XEP-0013 retrieval (an iq handler, and an interceptor for its disco node).
 * Messages are in the database from the moment the sender's stage completes; the only state in
 * memory, which sessions retrieve their messages themselves (XEP-0013) and so must not be
 * flooded at their next presence, goes to the successor through the state handoff. While it is being
 * replaced, routing holds messages for offline users for the grace period and gives them to the
 * successor, which on activation delivers to users who came online meanwhile.
 */
@Component(service = {UndeliverableMessageHandler.class, SessionListener.class, IqHandler.class, StanzaInterceptor.class,
        AccountListener.class, OfflineStatistics.class},
        configurationPid = OfflineConfig.PID, immediate = true, property = {
            IqHandler.NAMESPACE + "=" + FlexibleRetrieval.NAMESPACE,
            // XEP-0013's count and headers are disco requests on a node of its own, sent by the user: only those are taken.
            StanzaInterceptor.KINDS + "=iq", StanzaInterceptor.DIRECTION + "=outbound"})
@Designate(ocd = OfflineConfig.class)
public final class OfflineComponent implements UndeliverableMessageHandler, SessionListener, IqHandler, StanzaInterceptor, AccountListener,
        OfflineStatistics {
    private static final Logger LOG = LoggerFactory.getLogger(OfflineComponent.class);

    private final OfflineMessages offline;
    private final FlexibleRetrieval flexible;
    private final List<OfflineMessageListener> listeners = new CopyOnWriteArrayList<>();
    private volatile SessionRegistry registry;
    private volatile StanzaRouter router;
    private final StateHandoff handoff;
    /** Set when state was taken over: marks of sessions that ended meanwhile are dropped once the registry is known. */
    private volatile boolean pruneOnRegistry;
    static final String HANDOFF_KEY = "org.parley.offline";
    private static final int HANDOFF_FORMAT = 1;

    @Activate
    public OfflineComponent(OfflineConfig config, @Reference SqlDatabase database, @Reference WorkerPool workers,
            @Reference ServerInfo server, @Reference StateHandoff handoff) {
        database.migrate(OfflineStore.MODULE, OfflineStore.MIGRATIONS); // blocks: fine in activation, never on a session thread
        this.offline = new OfflineMessages(new OfflineStore(database.dataSource()), workers, server::domain, () -> registry,
                () -> listeners, () -> router, Clock.systemUTC(), quotaOrDefaults(config));
        this.flexible = new FlexibleRetrieval(offline);
        this.handoff = handoff;
        // Before the registry is bound, whose arrival delivers to the users online: not to these.
        handoff.take(HANDOFF_KEY).ifPresent(this::takeOver);
    }

    private void takeOver(Map<String, Object> snapshot) {
        if (!(snapshot.get("format") instanceof Integer format) || format != HANDOFF_FORMAT) {
            LOG.warn("The offline state handed over has format {}, not {}; starting without it", snapshot.get("format"), HANDOFF_FORMAT);
            return;
        }
        List<String> keys = new ArrayList<>();
        if (snapshot.get("flexible") instanceof List<?> list) {
            for (Object key : list) {
                if (key instanceof String s) {
                    keys.add(s);
                }
            }
        }
        offline.restoreFlexible(keys);
        pruneOnRegistry = true;
        List<Settlement.Item> unsettled = unsettled(snapshot.get("unsettled"));
        offline.settlement().addAll(unsettled);
        LOG.info("Took over the offline state: {} session(s) retrieving their messages themselves (XEP-0013), {} receipt(s) or "
                + "session end(s) to settle", keys.size(), unsettled.size());
    }

    /**
     * Receipts and session ends the predecessor had queued and not settled: this instance settles
     * them, so a row received just before the upgrade is not delivered again at the next sign-in.
     * An entry that cannot be read is skipped: its row stays stored (delivered again, not lost).
     * Optional in format 1: a predecessor without it simply left its rows stored.
     */
    static List<Settlement.Item> unsettled(Object value) {
        List<Settlement.Item> items = new ArrayList<>();
        if (!(value instanceof List<?> list)) {
            return items;
        }
        for (Object o : list) {
            if (!(o instanceof List<?> e) || e.size() < 3 || !(e.get(0) instanceof String kind) || !(e.get(1) instanceof String user)) {
                continue;
            }
            if (kind.equals("received") && e.get(2) instanceof Long id) {
                items.add(new Settlement.Received(user, id));
            } else if (kind.equals("ended") && e.get(2) instanceof String session) {
                items.add(new Settlement.Ended(user, session));
            } else if (kind.equals("remark") && e.size() == 6 && e.get(2) instanceof Long id && e.get(3) instanceof String expected
                    && e.get(5) instanceof Boolean redeliver) {
                String mark = e.get(4) instanceof String m && !m.isEmpty() ? m : null;
                items.add(new Settlement.Remark(user, new OfflineStore.Remark(id, expected, mark), redeliver));
            }
        }
        return items;
    }

    static List<Object> unsettled(List<Settlement.Item> items) {
        List<Object> out = new ArrayList<>(items.size());
        for (Settlement.Item i : items) {
            if (i instanceof Settlement.Received r) {
                out.add(List.of("received", r.username(), r.id()));
            } else if (i instanceof Settlement.Ended s) {
                out.add(List.of("ended", s.username(), s.session()));
            } else if (i instanceof Settlement.Remark m) {
                OfflineStore.Remark r = m.remark();
                out.add(List.of("remark", m.username(), r.id(), r.expected(), r.mark() == null ? "" : r.mark(), m.redeliver()));
            }
        }
        return out;
    }

    @Deactivate
    void deactivate() {
        offline.close();
        List<Settlement.Item> left = offline.settlement().close();
        handoff.deposit(HANDOFF_KEY, Map.of("format", HANDOFF_FORMAT, "flexible", offline.flexibleSessions(),
                "unsettled", unsettled(left)));
        if (!left.isEmpty()) {
            LOG.info("Handed {} unsettled receipt(s) or session end(s) to the successor", left.size());
        }
    }

    private static Quota quotaOrDefaults(OfflineConfig config) {
        try {
            return Quota.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the offline configuration ({}): {}; using the defaults", OfflineConfig.PID, e.getMessage());
            return Quota.DEFAULTS;
        }
    }

    /** A changed quota applies to the next message; a value that cannot work is refused and the previous quota stays. */
    @Modified
    void modified(OfflineConfig config) {
        try {
            offline.quota(Quota.from(config));
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new offline configuration ({}): {}; the previous quota ({} messages, {} bytes) stays in force",
                    OfflineConfig.PID, e.getMessage(), offline.quota().maxMessages(), offline.quota().maxBytes());
        }
    }

    // The session core is upgraded live: its registry comes and goes without restarting this component.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setSessionRegistry(SessionRegistry r) {
        boolean first = registry == null;
        if (pruneOnRegistry) {
            pruneOnRegistry = false;
            offline.retainFlexible(r.all());
        }
        registry = r;
        if (first) {
            // Users who became available while this bundle was away (an upgrade) get what waits for them now.
            offline.deliverToOnlineUsers().whenComplete((n, e) -> {
                if (e != null) {
                    LOG.error("Offline messages for users online at start could not be delivered", e);
                } else if (n > 0) {
                    LOG.info("Delivered {} offline message(s) to users who were online at start", n);
                }
            });
        }
    }

    void unsetSessionRegistry(SessionRegistry r) {
        if (registry == r) {
            registry = null;
        }
    }

    // Routing is upgraded live: while it is away, delivery waits for it (the policies it runs must see each message).
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetRouter")
    void setRouter(StanzaRouter r) {
        router = r;
        offline.routingBack();
    }

    void unsetRouter(StanzaRouter r) {
        if (router == r) {
            router = null;
        }
    }

    // Optional: storing works without listeners; the mail hook is one when it is deployed.
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(OfflineMessageListener listener) {
        listeners.add(listener);
    }

    void removeListener(OfflineMessageListener listener) {
        listeners.remove(listener);
    }

    // ---- UndeliverableMessageHandler ----

    @Override
    public CompletionStage<Boolean> undeliverable(Stanza message, EntityBareJid account) {
        return offline.undeliverable(message, account);
    }

    // ---- XEP-0013 ----

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        return flexible.handle(iq, origin);
    }

    @Override
    public CompletionStage<InterceptResult> intercept(Stanza stanza, Interception interception) {
        return flexible.intercept(stanza, interception.origin());
    }

    // ---- SessionListener ----

    @Override
    public void available(Session session, Stanza presence) {
        offline.presence(session);
    }

    @Override
    public void presenceChanged(Session session, Stanza presence) {
        offline.presence(session);
    }

    @Override
    public void ended(Session session) {
        offline.ended(session);
    }

    /** A deleted account's messages are nobody's: they go (on the operator's thread, a short delete). */
    @Override
    public CompletionStage<Size> size() {
        return offline.size();
    }

    @Override
    public void deleted(EntityBareJid account) {
        try {
            int n = offline.store().deleteAll(account.getLocalpart().toString());
            if (n > 0) {
                LOG.info("Deleted {} offline message(s) of the deleted account {}", n, account);
            }
        } catch (java.sql.SQLException e) {
            LOG.error("The offline messages of the deleted account {} were not deleted", account, e);
        }
    }
}
