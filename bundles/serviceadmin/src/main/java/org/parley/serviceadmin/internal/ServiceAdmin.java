package org.parley.serviceadmin.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jxmpp.jid.Jid;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.parley.api.adhoc.AdHocCommand;
import org.parley.api.adhoc.AdHocStage;
import org.parley.api.auth.UserException;
import org.parley.api.auth.UserManager;
import org.parley.api.routing.ServerInfo;
import org.parley.api.routing.StanzaRouter;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.session.SessionListener;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.storage.SqlDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XEP-0133 Service Administration for the admins the configuration lists: each command is an
 * {@link AdHocCommand} service that the adhoc bundle runs. They are registered here, one service
 * per node, rather than as a DS component each, because they share the admin list, the operations
 * and the message of the day, and come and go together. The message of the day is sent to each
 * session when it becomes available.
 */
@Component(service = {ServiceAdmin.class, SessionListener.class}, configurationPid = AdminConfig.PID, immediate = true)
public final class ServiceAdmin implements SessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAdmin.class);
    static final List<String> MAX_ITEMS = List.of("25", "50", "75", "100", "150", "200", "none");

    private final ServerInfo server;
    private final WorkerPool workers;
    private final Operations operations;
    private final List<ServiceRegistration<AdHocCommand>> registrations = new ArrayList<>();
    private final List<AdminCommand> commands;
    private volatile Admins admins;
    private volatile SessionRegistry sessions;
    private volatile StanzaRouter router;

    @Activate
    public ServiceAdmin(BundleContext context, AdminConfig config, @Reference UserManager users, @Reference WorkerPool workers,
            @Reference SqlDatabase database, @Reference ServerInfo server) throws Exception {
        this.server = server;
        this.workers = workers;
        this.admins = adminsOrNone(config);
        MessageOfTheDay motd = new MessageOfTheDay(database);
        motd.load(); // blocks: fine in activation
        this.operations = new Operations(users, () -> sessions, () -> router, server::domain, motd);
        this.commands = commands();
        if (context != null) {
            for (AdminCommand c : commands) {
                Dictionary<String, Object> props = new Hashtable<>(Map.of(AdHocCommand.NODE, c.node(), AdHocCommand.NAME, c.name()));
                registrations.add(context.registerService(AdHocCommand.class, c, props));
            }
        }
    }

    private Admins adminsOrNone(AdminConfig config) {
        try {
            return Admins.parse(config.admins(), server.domain().toString());
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}; no account may run the admin commands until it is corrected", AdminConfig.PID, e.getMessage());
            return Admins.NONE;
        }
    }

    @Modified
    void modified(AdminConfig config) {
        try {
            admins = Admins.parse(config.admins(), server.domain().toString());
            LOG.info("Admins: {}", admins.accounts());
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new admin list ({}): {}; the admins stay {}", AdminConfig.PID, e.getMessage(), admins.accounts());
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<AdHocCommand> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it with the bundle
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetSessions")
    void setSessions(SessionRegistry r) {
        sessions = r;
    }

    void unsetSessions(SessionRegistry r) {
        if (sessions == r) {
            sessions = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetRouter")
    void setRouter(StanzaRouter r) {
        router = r;
    }

    void unsetRouter(StanzaRouter r) {
        if (router == r) {
            router = null;
        }
    }

    Operations operations() {
        return operations;
    }

    /** The message of the day, to each session once, when it first sends available presence. */
    @Override
    public void available(Session session, Stanza presence) {
        String text = operations.motd().current();
        if (text != null) {
            session.deliver(operations.message(session.jid(), text, "motd"));
        }
    }

    // ---- the commands of XEP-0133 ----

    private AdminCommand command(String node, String name, java.util.function.Supplier<org.parley.api.stanza.Element> form,
            AdminCommand.Action action) {
        return new AdminCommand(node, name, form, action, () -> admins, workers);
    }

    private List<AdminCommand> commands() {
        UserManager users = operations.users();
        List<AdminCommand> list = new ArrayList<>();
        list.add(command("add-user", "Add a User", () -> Forms.form("Adding a User", "Fill out this form to add a user.")
                .field("accountjid", "jid-single", "The Jabber ID for the account to be added", true)
                .field("password", "text-private", "The password for this account", true)
                .field("password-verify", "text-private", "Retype password", true).build(), r -> {
                    Jid jid = operations.accountJid(AdminCommand.required(r, "accountjid"));
                    String password = AdminCommand.required(r, "password");
                    if (!password.equals(r.value("password-verify"))) {
                        throw new UserException("the two passwords differ");
                    }
                    users.create(jid.asBareJid().toString(), password);
                    return AdHocStage.completed("Added " + jid.asBareJid() + ".");
                }));
        list.add(accounts("delete-user", "Delete a User", "Deleting a User", "deleted", jid -> users.delete(jid)));
        list.add(accounts("disable-user", "Disable a User", "Disabling a User", "disabled", jid -> users.disable(jid)));
        list.add(accounts("reenable-user", "Re-Enable a User", "Re-Enabling a User", "re-enabled", jid -> users.enable(jid)));
        list.add(command("change-user-password", "Change User Password", () -> Forms.form("Changing a User Password",
                "Fill out this form to change a user's password.")
                .field("accountjid", "jid-single", "The Jabber ID for this account", true)
                .field("password", "text-private", "The password for this account", true).build(), r -> {
                    Jid jid = operations.accountJid(AdminCommand.required(r, "accountjid"));
                    users.setPassword(jid.asBareJid().toString(), AdminCommand.required(r, "password"));
                    return AdHocStage.completed("Changed the password of " + jid.asBareJid() + ".");
                }));
        list.add(command("end-user-session", "End User Session", () -> Forms.form("Ending a User Session",
                "Fill out this form to end a user's session (a bare JID ends all of the account's sessions).")
                .field("accountjids", "jid-multi", "The Jabber ID(s) for which to end sessions", true).build(), r -> {
                    int ended = 0;
                    for (String text : AdminCommand.requiredAll(r, "accountjids")) {
                        ended += operations.endSessions(operations.accountJid(text));
                    }
                    return AdHocStage.completed("Ended " + ended + " session(s).");
                }));
        list.add(command("get-online-users-num", "Get Number of Online Users", null, r -> AdHocStage.completed(
                Forms.result("Number of Online Users").field("onlineusersnum", "text-single", "The number of online users", false,
                        List.of(Integer.toString(operations.onlineUsers().size()))).build(), null)));
        list.add(command("get-online-users-list", "Get List of Online Users", () -> Forms.form("Requesting List of Online Users",
                "How many users to list at most.").options("max_items", "Maximum number of items to show", "100", MAX_ITEMS).build(), r -> {
                    String max = r.value("max_items") == null ? "100" : r.value("max_items").trim();
                    if (!MAX_ITEMS.contains(max)) {
                        throw new UserException("max_items must be one of " + MAX_ITEMS);
                    }
                    List<String> online = operations.onlineUsers().stream().map(Object::toString).toList();
                    if (!max.equals("none") && online.size() > Integer.parseInt(max)) {
                        online = online.subList(0, Integer.parseInt(max));
                    }
                    return AdHocStage.completed(Forms.result("List of Online Users")
                            .field("onlineuserjids", "jid-multi", "The list of all online users", false, online).build(), null);
                }));
        list.add(command("announce", "Send Announcement to Online Users", () -> Forms.form("Making an Announcement",
                "Fill out this form to make an announcement to all active users of this service.")
                .field("announcement", "text-multi", "Announcement", true).build(), r -> {
                    int sent = operations.announce(String.join("\n", AdminCommand.requiredAll(r, "announcement")));
                    return AdHocStage.completed("Sent to " + sent + " session(s).");
                }));
        list.add(command("set-motd", "Set Message of the Day", () -> Forms.form("Setting the Message of the Day",
                "Fill out this form to set the message of the day, sent to users when they sign in.")
                .field("motd", "text-multi", "Message of the Day", true).build(), r -> {
                    operations.motd().set(String.join("\n", AdminCommand.requiredAll(r, "motd")));
                    return AdHocStage.completed("The message of the day is set.");
                }));
        list.add(command("edit-motd", "Edit Message of the Day", () -> {
            String current = operations.motd().current();
            return Forms.form("Editing the Message of the Day", "Edit the message of the day.")
                    .field("motd", "text-multi", "Message of the Day", true,
                            current == null ? List.of() : List.of(current.split("\n", -1))).build();
        }, r -> {
            operations.motd().set(String.join("\n", AdminCommand.requiredAll(r, "motd")));
            return AdHocStage.completed("The message of the day is changed.");
        }));
        list.add(command("delete-motd", "Delete Message of the Day", null, r -> {
            if (!operations.motd().delete()) {
                return AdHocStage.error(StanzaErrorCondition.ITEM_NOT_FOUND, "there is no message of the day");
            }
            return AdHocStage.completed("The message of the day is deleted.");
        }));
        return list;
    }

    /** What a command does to one account. */
    private interface AccountAction {
        void apply(String jid) throws UserException;
    }

    /**
     * A command on the accounts listed in {@code accountjids}. Every JID is checked first (a JID of
     * another domain changes nothing); then the accounts are acted on in order, and the first that
     * fails (an unknown account) stops the rest with its error.
     */
    private AdminCommand accounts(String node, String name, String title, String done, AccountAction action) {
        return command(node, name, () -> Forms.form(title, "Fill out this form to " + name.toLowerCase(java.util.Locale.ROOT) + ".")
                .field("accountjids", "jid-multi", "The Jabber ID(s) of the account(s)", true).build(), r -> {
                    List<String> bare = new ArrayList<>();
                    for (String text : AdminCommand.requiredAll(r, "accountjids")) {
                        bare.add(operations.accountJid(text).asBareJid().toString());
                    }
                    StringJoiner names = new StringJoiner(", ");
                    for (String jid : bare) {
                        action.apply(jid);
                        names.add(jid);
                    }
                    return AdHocStage.completed(Character.toUpperCase(done.charAt(0)) + done.substring(1) + " " + names + ".");
                });
    }
}
