package org.parley.serviceadmin.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jxmpp.jid.EntityBareJid;
import org.parley.api.adhoc.AdHocCommand;
import org.parley.api.adhoc.AdHocRequest;
import org.parley.api.adhoc.AdHocStage;
import org.parley.api.auth.UserException;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StanzaErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One XEP-0133 command: admins only; the first stage shows its form (or, for a command that asks
 * nothing, answers at once), the second acts on the submitted form. What the admin submitted that
 * cannot be used is a bad payload with the reason; an unknown account is item-not-found.
 */
final class AdminCommand implements AdHocCommand {
    private static final Logger LOG = LoggerFactory.getLogger(AdminCommand.class);
    static final String PREFIX = "http://jabber.org/protocol/admin#";

    /** What the command does with a submitted form (or with none, for a command without a form). Blocking. */
    interface Action {
        AdHocStage run(AdHocRequest request) throws Exception;
    }

    private final String node;
    private final String name;
    private final Supplier<Element> form;
    private final Action action;
    private final Supplier<Admins> admins;
    private final WorkerPool workers;

    /** @param form the form of the first stage, or null when the command acts at once */
    AdminCommand(String node, String name, Supplier<Element> form, Action action, Supplier<Admins> admins, WorkerPool workers) {
        this.node = PREFIX + node;
        this.name = name;
        this.form = form;
        this.action = action;
        this.admins = admins;
        this.workers = workers;
    }

    String node() {
        return node;
    }

    String name() {
        return name;
    }

    @Override
    public boolean allows(EntityBareJid requester) {
        return admins.get().contains(requester);
    }

    @Override
    public CompletionStage<AdHocStage> execute(AdHocRequest request) {
        if (request.form() == null && form != null) {
            return workers.submit(() -> AdHocStage.form(form.get(), Map.of())).handle(this::answer);
        }
        return workers.submit(() -> {
            try {
                AdHocStage done = action.run(request);
                LOG.info("{} ran '{}'", request.requester().asEntityBareJid(), name);
                return done;
            } catch (UserException | IllegalArgumentException e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                return message.startsWith("no such user")
                        ? AdHocStage.error(StanzaErrorCondition.ITEM_NOT_FOUND, message)
                        : message.contains("already exists")
                                ? AdHocStage.error(StanzaErrorCondition.CONFLICT, message)
                                : AdHocStage.badPayload(message);
            }
        }).handle(this::answer);
    }

    private AdHocStage answer(AdHocStage stage, Throwable e) {
        if (e == null) {
            return stage;
        }
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof WorkRejectedException) {
            return AdHocStage.error(StanzaErrorCondition.RESOURCE_CONSTRAINT, "the server is busy; try again");
        }
        LOG.error("Command '{}' failed", name, cause);
        return AdHocStage.error(StanzaErrorCondition.INTERNAL_SERVER_ERROR, "the command failed: " + cause.getMessage());
    }

    /** The one value of a required field, or a bad payload naming it. */
    static String required(AdHocRequest request, String var) throws UserException {
        String v = request.value(var);
        if (v == null || v.isBlank()) {
            throw new UserException("the field '" + var + "' is required");
        }
        return v;
    }

    /** Every non-blank value of a required multi field. */
    static List<String> requiredAll(AdHocRequest request, String var) throws UserException {
        List<String> values = request.values(var).stream().filter(v -> !v.isBlank()).map(String::trim).toList();
        if (values.isEmpty()) {
            throw new UserException("the field '" + var + "' is required");
        }
        return values;
    }

    static CompletionStage<AdHocStage> now(AdHocStage stage) {
        return CompletableFuture.completedFuture(stage);
    }
}
