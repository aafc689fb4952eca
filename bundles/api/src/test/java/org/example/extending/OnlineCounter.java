package org.example.extending;

import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.stanza.Stanza;

// Counts the sessions that are available right now.
@Component(service = {SessionListener.class, OnlineCounter.class})
public final class OnlineCounter implements SessionListener {
    private final AtomicInteger online = new AtomicInteger();

    @Override
    public void available(Session session, Stanza presence) {
        online.incrementAndGet();
    }

    @Override
    public void unavailable(Session session, Stanza presence) {
        online.decrementAndGet();
    }

    public int online() {
        return online.get();
    }
}
