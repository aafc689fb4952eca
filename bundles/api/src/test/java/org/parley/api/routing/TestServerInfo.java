package org.parley.api.routing;

import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;

/** The server's identity for unit tests: a served domain, product Parley, version "test". */
public record TestServerInfo(DomainBareJid domain) implements ServerInfo {
    /** @param domain the served domain, e.g. "example.org" */
    public static TestServerInfo of(String domain) {
        return new TestServerInfo(JidCreate.domainBareFromOrThrowUnchecked(domain));
    }

    @Override
    public String productName() {
        return "Parley";
    }

    @Override
    public String version() {
        return "test";
    }
}
