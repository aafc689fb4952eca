package org.parley.mailhook.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jxmpp.jid.EntityBareJid;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.adhoc.AdHocCommand;
import org.parley.api.adhoc.AdHocRequest;
import org.parley.api.adhoc.AdHocStage;
import org.parley.api.auth.AccountListener;
import org.parley.api.offline.OfflineMessageListener;
import org.parley.api.offline.OfflineMessageStored;
import org.parley.api.routing.ServerInfo;
import org.parley.api.server.StateHandoff;
import org.parley.api.server.WorkerPool;
import org.parley.api.storage.SqlDatabase;
import org.parley.api.vcard.VCardSource;
import org.parley.mailhook.internal.adhoc.NotificationCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail hook as the server sees it: a listener of the offline store. Its configuration applies
 * live; one that cannot work is refused naming the key, and the previous one stays. Mail not yet
 * sent is in the database (its own table), so a restart or an upgrade of this bundle picks it up;
 * only the rate limit is in memory, handed to the successor. Users turn their notifications off
 * and on with an ad-hoc command (XEP-0050) on the server's JID, an {@link AdHocCommand} service
 * that the adhoc bundle runs (and whose started sessions it keeps).
 */
@Component(service = {OfflineMessageListener.class, AdHocCommand.class, AccountListener.class}, configurationPid = MailHookConfig.PID,
        immediate = true, property = {
            AdHocCommand.NODE + "=" + NotificationCommand.NODE, AdHocCommand.NAME + "=" + NotificationCommand.NAME})
@Designate(ocd = MailHookConfig.class)
public final class MailHook implements OfflineMessageListener, AdHocCommand, AccountListener {
    private static final Logger LOG = LoggerFactory.getLogger(MailHook.class);
    private static final String HANDOFF_KEY = "org.parley.mailhook";

    private final ServerInfo server;
    private final Path etc; // relative paths in the configuration (the trusted certificates) are read from here
    private final StateHandoff handoff;
    private final MailNotifier notifier;
    private final NotificationCommand command;
    /** The directory's vCard sources (the ldap bundle): where a user's mail goes, before the template. */
    private final List<VCardSource> directories = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeDirectory")
    void addDirectory(VCardSource source) {
        directories.add(source);
    }

    void removeDirectory(VCardSource source) {
        directories.remove(source);
    }

    @Activate
    public MailHook(MailHookConfig config, @Reference ServerInfo server, @Reference StateHandoff handoff,
            @Reference SqlDatabase database, @Reference WorkerPool workers, BundleContext context) {
        this.server = server;
        String etcProperty = context.getProperty("parley.etc");
        this.etc = etcProperty == null ? null : Path.of(etcProperty);
        this.handoff = handoff;
        MailSettings settings = null;
        try {
            settings = MailSettings.from(config, server.domain().toString(), etc);
            LOG.info("Mail notifications go through {} from {}", settings.smtp(), settings.from());
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the mail hook configuration ({}): {}; no mail is sent until it is fixed", MailHookConfig.PID,
                    e.getMessage());
        }
        database.migrate(Outbox.MODULE, Outbox.MIGRATIONS); // blocks: fine in activation, never on a session thread
        Preferences preferences = new Preferences(database.dataSource(), Clock.systemUTC());
        this.notifier = new MailNotifier(settings, new Outbox(database.dataSource()), preferences, MailNotifier.mailThread(), new SmtpMailer(),
                Clock.systemUTC(), new DirectoryAddresses(() -> List.copyOf(directories)));
        this.command = new NotificationCommand(preferences, workers);
        // Who was mailed recently: without it an upgrade would mail again about a burst still going on.
        handoff.take(HANDOFF_KEY).ifPresent(state -> {
            if (Integer.valueOf(1).equals(state.get("format")) && state.get("rateLimit") instanceof Map<?, ?> limits) {
                notifier.rateLimit().restore(limits); // a predecessor's started commands are the adhoc bundle's now
            } else {
                LOG.warn("The mail hook's handed-over state has a format this version does not read; it starts afresh");
            }
        });
        notifier.start();
    }

    @Modified
    void modified(MailHookConfig config) {
        try {
            MailSettings next = MailSettings.from(config, server.domain().toString(), etc);
            notifier.settings(next);
            LOG.info("Mail notifications now go through {} from {}", next.smtp(), next.from());
        } catch (IllegalArgumentException e) {
            MailSettings current = notifier.settings();
            LOG.error("Refused the new mail hook configuration ({}): {}; {}", MailHookConfig.PID, e.getMessage(),
                    current == null ? "no mail is sent until it is fixed" : "the previous one (" + current.smtp() + ") stays in force");
        }
    }

    @Deactivate
    void deactivate() {
        notifier.close();
        handoff.deposit(HANDOFF_KEY, Map.of("format", 1, "rateLimit", notifier.rateLimit().export()));
    }

    /** A deleted account gets no more mail about messages it will never read, and its choice is forgotten. */
    @Override
    public void deleted(EntityBareJid account) {
        try {
            notifier.forget(account);
        } catch (java.sql.SQLException e) {
            LOG.error("The mail notifications of the deleted account {} were not deleted", account, e);
        }
    }

    @Override
    public void stored(OfflineMessageStored event) {
        notifier.stored(event);
    }

    @Override
    public CompletionStage<AdHocStage> execute(AdHocRequest request) {
        return command.execute(request);
    }
}
