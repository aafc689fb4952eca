package org.parley.session.internal;

import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.parley.api.routing.StanzaRouter;
import org.parley.concurrent.Standby;

/**
 * What a client stream and its session use of the core: each part has one job, and this record
 * only hands them over (the streams are created by the thousand, so they share one).
 *
 * @param settings the current settings (they change live)
 * @param domain the served domain now
 * @param router routing: present, or awaited for the grace period while it is replaced
 * @param pool the threads that run the streams' and sessions' ordered executors
 * @param timer deadlines: authentication, resumption, ack requests, grace periods
 * @param streams the streams with a connection, for the state handoff
 * @param traffic the counters of stanzas and sign-ins
 * @param access who may open a client stream, by network
 */
record StreamServices(Supplier<SessionSettings> settings, Supplier<DomainBareJid> domain, SessionTable sessions,
        Resumptions resumptions, Mechanisms mechanisms, IdentityMappers identityMappers, StreamFeatures features,
        Lifecycle lifecycle, Standby<String, StanzaRouter> router, Executor pool, ScheduledExecutorService timer,
        Set<ClientStream> streams, Traffic traffic, AccessPolicy access) {

    /** The key of the one router in {@link #router}. */
    static final String ROUTER = "router";
}
