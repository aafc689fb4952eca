package org.parley.im;

import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.routing.ServerInfo;

/** The server the im handlers' tests run against: domain example.org, product Parley. */
public final class TestServer implements ServerInfo {
    public static final TestServer INSTANCE = new TestServer();

    private TestServer() {
    }

    @Override
    public DomainBareJid domain() {
        return JidCreate.domainBareFromOrThrowUnchecked("example.org");
    }

    @Override
    public String productName() {
        return "Parley";
    }

    @Override
    public String version() {
        return "1.2.3";
    }
}
