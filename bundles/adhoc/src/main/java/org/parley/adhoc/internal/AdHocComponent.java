package org.parley.adhoc.internal;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.parley.api.adhoc.AdHocCommand;
import org.parley.api.routing.InterceptResult;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaInterceptor;
import org.parley.api.server.StateHandoff;
import org.parley.api.session.Session;
import org.parley.api.stanza.Stanza;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler of the commands namespace: every bundle's {@link AdHocCommand} services are run
 * through it, so two bundles never compete for the namespace. Started commands cross an upgrade
 * of this bundle through the state handoff; a command whose own bundle is being upgraded is
 * missing for that moment and its node answers item-not-found.
 */
@Component(service = {IqHandler.class, StanzaInterceptor.class}, immediate = true, property = {
    IqHandler.NAMESPACE + "=" + AdHocDispatcher.COMMANDS,
    // Only the user's disco requests on the commands node and on a command's node are taken.
    StanzaInterceptor.KINDS + "=iq", StanzaInterceptor.DIRECTION + "=outbound"})
public final class AdHocComponent implements IqHandler, StanzaInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(AdHocComponent.class);
    static final String HANDOFF_KEY = "org.parley.adhoc";

    private final AdHocDispatcher dispatcher;
    private final StateHandoff handoff;

    @Activate
    public AdHocComponent(@Reference ServerInfo server, @Reference StateHandoff handoff) {
        this.handoff = handoff;
        this.dispatcher = new AdHocDispatcher(server::domain, Clock.systemUTC());
        handoff.take(HANDOFF_KEY).ifPresent(state -> {
            if (Integer.valueOf(1).equals(state.get("format")) && state.get("sessions") instanceof Map<?, ?> sessions) {
                dispatcher.restore(sessions);
            } else {
                LOG.warn("The ad-hoc commands' handed-over state has a format this version does not read; started commands start again");
            }
        });
    }

    @Deactivate
    void deactivate() {
        handoff.deposit(HANDOFF_KEY, Map.of("format", 1, "sessions", dispatcher.export()));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeCommand")
    void addCommand(AdHocCommand command, Map<String, Object> properties) {
        Object node = properties.get(AdHocCommand.NODE);
        if (!(node instanceof String n) || n.isBlank()) {
            LOG.error("An ad-hoc command ({}) has no {} service property and is not offered", command.getClass().getName(),
                    AdHocCommand.NODE);
            return;
        }
        Object name = properties.get(AdHocCommand.NAME);
        dispatcher.add(n, name == null ? null : name.toString(), command);
    }

    void removeCommand(AdHocCommand command, Map<String, Object> properties) {
        if (properties.get(AdHocCommand.NODE) instanceof String n) {
            dispatcher.remove(n, command);
        }
    }

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        return dispatcher.handle(iq, origin);
    }

    @Override
    public CompletionStage<InterceptResult> intercept(Stanza stanza, Interception interception) {
        return dispatcher.intercept(stanza, interception.origin());
    }
}
