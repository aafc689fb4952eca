package org.parley.mailhook.internal.adhoc;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.parley.api.adhoc.AdHocCommand;
import org.parley.api.adhoc.AdHocRequest;
import org.parley.api.adhoc.AdHocStage;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StanzaErrorCondition;

/**
 * The "Mail notifications" command (XEP-0050): a user sees whether mails about messages that wait
 * for them are on, and turns them off or on. The first stage answers with a form holding the
 * current setting, the second stores the choice. The protocol (sessions, actions, errors, service
 * discovery) is the adhoc bundle's, which runs every bundle's commands.
 */
public final class NotificationCommand implements AdHocCommand {
    public static final String NODE = "urn:parley:mailhook:notifications";
    public static final String NAME = "Mail notifications";
    static final String DATA = AdHocStage.DATA;
    static final String FIELD = "notify";

    private final NotificationSetting setting;
    private final WorkerPool workers;

    public NotificationCommand(NotificationSetting setting, WorkerPool workers) {
        this.setting = setting;
        this.workers = workers;
    }

    @Override
    public CompletionStage<AdHocStage> execute(AdHocRequest request) {
        String username = request.requester().getLocalpart().toString();
        if (request.form() == null) {
            return run(() -> AdHocStage.form(form(setting.enabled(username)), Map.of()));
        }
        Boolean choice = submitted(request.form());
        if (choice == null) {
            return CompletableFuture.completedFuture(
                    AdHocStage.badPayload("expected a submitted form with the boolean field '" + FIELD + "'"));
        }
        return run(() -> {
            setting.enabled(username, choice);
            return AdHocStage.completed(choice ? "Mail notifications are on." : "Mail notifications are off.");
        });
    }

    private interface Work {
        AdHocStage call() throws Exception;
    }

    private CompletionStage<AdHocStage> run(Work work) {
        return workers.submit(work::call).handle((stage, e) -> {
            if (e == null) {
                return stage;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof WorkRejectedException) {
                return AdHocStage.error(StanzaErrorCondition.RESOURCE_CONSTRAINT, "the server is busy; try again");
            }
            return AdHocStage.error(StanzaErrorCondition.INTERNAL_SERVER_ERROR, "the setting could not be read or stored");
        });
    }

    private static Element form(boolean on) {
        return Element.builder("x", DATA).attribute("type", "form")
                .textChild("title", NAME)
                .textChild("instructions", "When someone writes to you while you are not signed in, the server can tell you by mail "
                        + "who wrote (not what). Turn it on or off.")
                .child(Element.builder("field", DATA).attribute("var", FIELD).attribute("type", "boolean")
                        .attribute("label", "Mail me when someone writes while I am away")
                        .child(Element.builder("value", DATA).text(on ? "1" : "0").build()).build())
                .build();
    }

    /** The boolean the user chose, or null when the form is missing, not submitted or the value is not a XEP-0004 boolean. */
    static Boolean submitted(Element x) {
        if (x == null || !"submit".equals(x.attribute("type"))) {
            return null;
        }
        for (Element field : x.elements()) {
            if (field.is("field", DATA) && FIELD.equals(field.attribute("var"))) {
                Element value = field.child("value", DATA);
                String v = value == null ? null : value.text().strip();
                if ("1".equals(v) || "true".equals(v)) {
                    return true;
                }
                if ("0".equals(v) || "false".equals(v)) {
                    return false;
                }
                return null;
            }
        }
        return null;
    }
}
