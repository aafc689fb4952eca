package org.parley.components.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.stanza.Stanza;

/** The listener's part, with one configured component and a clock the test moves. */
final class TestHost implements ComponentHost {
    static final String DOMAIN = "gateway.example.org";
    static final String SECRET = "s3cret";

    final List<Stanza> routed = new CopyOnWriteArrayList<>();
    final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    final RefusalLog refusals = new RefusalLog(this::nanoTime, 60);
    volatile long now = 1_000_000_000L;
    volatile ComponentSettings settings;
    final ExternalComponent component;

    TestHost(int maxStanzaBytes, int ratePerSecond, int holdSeconds) {
        settings = new ComponentSettings("127.0.0.1", 5347, 0, maxStanzaBytes, ratePerSecond, holdSeconds, 100, 60,
                Map.of(domain(), SECRET));
        component = new ExternalComponent(domain(), SECRET, timer, routed::add, () -> settings.holdSeconds(),
                () -> settings.maxHeldStanzas());
    }

    static DomainBareJid domain() {
        return JidCreate.domainBareFromOrThrowUnchecked(DOMAIN);
    }

    @Override
    public ExternalComponent component(DomainBareJid domain) {
        return domain.equals(domain()) ? component : null;
    }

    @Override
    public void route(Stanza stanza) {
        routed.add(stanza);
    }

    @Override
    public boolean shouldLogRefusal(InetAddress address, String reason) {
        return refusals.shouldLog(address, reason);
    }

    @Override
    public ComponentSettings settings() {
        return settings;
    }

    @Override
    public ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public long nanoTime() {
        return now;
    }
}
