package org.parley.register.internal;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.parley.api.auth.UserException;
import org.parley.api.auth.UserManager;
import org.parley.api.routing.IqHandler;
import org.parley.api.routing.ServerInfo;
import org.parley.api.server.StateHandoff;
import org.parley.api.server.WorkRejectedException;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.session.SessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stream.StreamContext;
import org.parley.api.stream.StreamFeature;
import org.parley.api.stream.UnauthenticatedIqHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-band registration (XEP-0077) for accounts of the internal store ({@link UserManager}).
 *
 * <ul>
 *   <li>Before sign-in ({@link UnauthenticatedIqHandler}): the registration form and account
 *       creation (section 3.1), only when {@code accountCreation} is on, only inside TLS, only from
 *       {@code allowNetworks}, and at most {@code maxPerAddress} requests per address and window.
 *       The stream feature {@code <register/>} is offered exactly where creation would be accepted.
 *   <li>Signed in ({@link IqHandler}): password change (section 3.3) and cancellation (section
 *       3.2) of the user's own account. An account the store does not hold (a directory's, a
 *       password file's, a Kerberos principal mapped to a name) is refused {@code not-allowed}: its
 *       password lives elsewhere. Cancellation goes through {@link UserManager#delete}, whose
 *       account listeners end the sessions and delete what other bundles keep.
 * </ul>
 *
 * <p>The store's calls block (PBKDF2, the database), so they run on the {@link WorkerPool}. The only
 * in-memory state, the creation counts per address, goes to the successor on an upgrade, so an
 * upgrade does not give every address a fresh allowance.
 */
@Component(service = {IqHandler.class, UnauthenticatedIqHandler.class, StreamFeature.class},
        configurationPid = RegisterConfig.PID, property = {
            IqHandler.NAMESPACE + "=" + Registration.REGISTER,
            UnauthenticatedIqHandler.NAMESPACE + "=" + Registration.REGISTER,
            StreamFeature.NAMESPACE + "=" + Registration.FEATURE})
@Designate(ocd = RegisterConfig.class)
public final class Registration implements IqHandler, UnauthenticatedIqHandler, StreamFeature {
    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);
    static final String REGISTER = "jabber:iq:register";
    /** XEP-0077 section 4: the stream feature that says creation is possible before sign-in. */
    static final String FEATURE = "http://jabber.org/features/iq-register";
    private static final String HANDOFF_KEY = "org.parley.register.Registration";
    private static final int HANDOFF_FORMAT = 1;

    private final UserManager users;
    private final WorkerPool workers;
    private final SessionRegistry sessions;
    private final StateHandoff handoff;
    private final LongSupplier clock;
    private final Supplier<DomainBareJid> domain;
    private final CreationLimit limit = new CreationLimit();
    private volatile RegisterSettings settings;

    @Activate
    public Registration(RegisterConfig config, @Reference UserManager users, @Reference WorkerPool workers,
            @Reference SessionRegistry sessions, @Reference StateHandoff handoff, @Reference ServerInfo server) {
        this(users, workers, sessions, handoff, System::currentTimeMillis, server::domain, settingsOrDefaults(config));
        takeOver();
        LOG.info("In-band registration: {}", settings.describe());
    }

    Registration(UserManager users, WorkerPool workers, SessionRegistry sessions, StateHandoff handoff, LongSupplier clock,
            Supplier<DomainBareJid> domain, RegisterSettings settings) {
        this.domain = domain;
        this.users = users;
        this.workers = workers;
        this.sessions = sessions;
        this.handoff = handoff;
        this.clock = clock;
        this.settings = settings;
    }

    private static RegisterSettings settingsOrDefaults(RegisterConfig config) {
        try {
            return RegisterSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the registration configuration ({}): {}; using the defaults", RegisterConfig.PID, e.getMessage());
            return RegisterSettings.DEFAULTS;
        }
    }

    @Modified
    void modified(RegisterConfig config) {
        try {
            settings = RegisterSettings.from(config);
            LOG.info("In-band registration: {}", settings.describe());
        } catch (IllegalArgumentException e) {
            LOG.error("Refused the new registration configuration ({}): {}; the previous settings stay in force ({})",
                    RegisterConfig.PID, e.getMessage(), settings.describe());
        }
    }

    @Deactivate
    void deactivate() {
        Map<String, Object> snapshot = new HashMap<>();
        snapshot.put("format", HANDOFF_FORMAT);
        snapshot.put("requests", limit.snapshot());
        handoff.deposit(HANDOFF_KEY, snapshot);
    }

    /** Takes the creation counts a predecessor deposited, if any. */
    void takeOver() {
        handoff.take(HANDOFF_KEY).ifPresent(this::restore);
    }

    private void restore(Map<String, Object> snapshot) {
        if (!Integer.valueOf(HANDOFF_FORMAT).equals(snapshot.get("format")) || !(snapshot.get("requests") instanceof Map<?, ?> requests)) {
            LOG.warn("Registration: the predecessor's creation counts are in a format this version does not read; starting afresh");
            return;
        }
        LOG.info("Registration: took over the creation counts of {} addresses", limit.restore(requests));
    }

    // ---- before sign-in ----

    @Override
    public Element advertise(StreamContext stream) {
        return stream.username() == null && creationRefusal(stream) == null ? Element.empty("register", FEATURE) : null;
    }

    /** No client sends elements in the feature's namespace: it only announces the iq protocol. */
    @Override
    public CompletionStage<Void> handle(Element element, StreamContext stream) {
        stream.close(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, element.name() + " in " + FEATURE);
        return CompletableFuture.completedFuture(null);
    }

    /** Why this stream may not create an account now (the condition and text of the error), or null. */
    private Refusal creationRefusal(StreamContext stream) {
        RegisterSettings s = settings;
        if (!s.accountCreation()) {
            return new Refusal(StanzaErrorCondition.SERVICE_UNAVAILABLE, "in-band registration is off on this server");
        }
        if (!stream.isSecure()) {
            return new Refusal(StanzaErrorCondition.NOT_AUTHORIZED, "accounts are created inside TLS only");
        }
        InetSocketAddress remote = stream.remoteAddress();
        if (!s.allowNetworks().isEmpty() && (remote == null || remote.getAddress() == null
                || s.allowNetworks().match(remote.getAddress()) == null)) {
            return new Refusal(StanzaErrorCondition.NOT_ALLOWED, "accounts may not be created from your network");
        }
        return null;
    }

    private record Refusal(StanzaErrorCondition condition, String text) {
    }

    @Override
    public CompletionStage<Void> handleIq(Element iq, StreamContext stream) {
        String to = iq.attribute("to");
        if (to != null && !to.equals(domain.get().toString())) {
            stream.send(error(iq, StanzaErrorCondition.SERVICE_UNAVAILABLE, "before sign-in only the server answers"));
            return CompletableFuture.completedFuture(null);
        }
        Refusal refusal = creationRefusal(stream);
        if (refusal != null) {
            stream.send(error(iq, refusal.condition(), refusal.text()));
            return CompletableFuture.completedFuture(null);
        }
        Element query = iq.firstElement();
        if ("get".equals(iq.attribute("type"))) {
            stream.send(result(iq, Element.builder("query", REGISTER)
                    .textChild("instructions", "Choose a username and a password for this server.")
                    .child(Element.empty("username", REGISTER))
                    .child(Element.empty("password", REGISTER)).build()));
            return CompletableFuture.completedFuture(null);
        }
        if (query.child("remove", REGISTER) != null) {
            stream.send(error(iq, StanzaErrorCondition.NOT_AUTHORIZED, "sign in to cancel your registration"));
            return CompletableFuture.completedFuture(null);
        }
        String username = query.childText("username");
        String password = query.childText("password");
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            stream.send(error(iq, StanzaErrorCondition.NOT_ACCEPTABLE, "a username and a password are required"));
            return CompletableFuture.completedFuture(null);
        }
        String local;
        try {
            local = Localpart.from(username).toString();
        } catch (XmppStringprepException | IllegalArgumentException e) {
            stream.send(error(iq, StanzaErrorCondition.NOT_ACCEPTABLE, "'" + username + "' is not a valid username"));
            return CompletableFuture.completedFuture(null);
        }
        String address = stream.remoteAddress().getAddress().getHostAddress();
        RegisterSettings s = settings;
        long wait = limit.tryAcquire(address, clock.getAsLong(), s.maxPerAddress(), s.windowSeconds() * 1000L);
        if (wait > 0) {
            LOG.info("Refused an account creation from {}: {} requests within {} s already", address, s.maxPerAddress(),
                    s.windowSeconds());
            stream.send(error(iq, StanzaErrorCondition.RESOURCE_CONSTRAINT, "too many accounts requested from your address; "
                    + "try again in " + Math.max(1, (wait + 59_999) / 60_000) + " minutes"));
            return CompletableFuture.completedFuture(null);
        }
        return workers.submit(() -> create(iq, local, password, address)).thenAccept(stream::send);
    }

    /** On a worker: the store's calls block. */
    private Element create(Element iq, String local, String password, String address) {
        try {
            if (users.exists(local)) {
                return error(iq, StanzaErrorCondition.CONFLICT, "the username is taken");
            }
            users.create(local, password);
            LOG.info("Account {} created by in-band registration from {}", local, address);
            return result(iq, null);
        } catch (UserException e) {
            return createFailed(iq, local, e);
        }
    }

    private Element createFailed(Element iq, String local, UserException e) {
        try {
            if (users.exists(local)) {
                return error(iq, StanzaErrorCondition.CONFLICT, "the username is taken"); // created in between
            }
        } catch (UserException again) {
            // the store is failing: reported below
        }
        if (e.getCause() != null) {
            // a failure underneath (the database), not the request
            LOG.error("In-band registration of {} failed: {}", local, e.getMessage());
            return error(iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
        }
        return error(iq, StanzaErrorCondition.NOT_ACCEPTABLE, e.getMessage()); // a name or password the store refuses
    }

    // ---- signed in ----

    @Override
    public CompletionStage<Stanza> handle(Stanza iq, Session origin) {
        if (origin == null) {
            return answer(iq, StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
        }
        EntityBareJid own = origin.bareJid();
        Jid to = iq.to();
        if (to != null && to.hasLocalpart() && !own.equals(to.asBareJid())) {
            return answer(iq, StanzaErrorCondition.FORBIDDEN, "only your own registration");
        }
        String local = own.getLocalpart().toString();
        Element query = iq.payload();
        if ("get".equals(iq.type())) {
            return workers.submit(() -> {
                boolean stored = users.exists(local);
                Element.Builder b = Element.builder("query", REGISTER);
                if (stored) {
                    b.child(Element.empty("registered", REGISTER)).textChild("username", local).child(Element.empty("password", REGISTER));
                } else {
                    b.textChild("instructions", "Your account is kept by the institution's directory: change your password there.");
                }
                return reply(iq, b.build());
            }).exceptionally(e -> failure(iq, local, e));
        }
        if (query.child("remove", REGISTER) != null) {
            return cancel(iq, local);
        }
        return changePassword(iq, origin, local, query);
    }

    private CompletionStage<Stanza> cancel(Stanza iq, String local) {
        if (!settings.cancellation()) {
            return answer(iq, StanzaErrorCondition.NOT_ALLOWED, "cancelling an account is off on this server");
        }
        return workers.submit(() -> {
            if (!users.exists(local)) {
                return errorStanza(iq, StanzaErrorCondition.NOT_ALLOWED, "your account is kept by the directory and cannot be cancelled here");
            }
            // Deleting tells the account listeners, and the session core queues the end of this
            // session behind the request being answered: the client gets the result, then the
            // stream ends (not-authorized, "your account was deleted").
            users.delete(local);
            LOG.info("Account {} cancelled by its user (in-band registration)", local);
            return reply(iq, null);
        }).exceptionally(e -> failure(iq, local, e));
    }

    private CompletionStage<Stanza> changePassword(Stanza iq, Session origin, String local, Element query) {
        RegisterSettings s = settings;
        if (!s.passwordChange()) {
            return answer(iq, StanzaErrorCondition.NOT_ALLOWED, "password change is off on this server");
        }
        String username = query.childText("username");
        String password = query.childText("password");
        if (username == null || password == null || password.isEmpty()) {
            return answer(iq, StanzaErrorCondition.BAD_REQUEST, "a password change needs the username and the new password");
        }
        if (!origin.isSecure()) {
            return answer(iq, StanzaErrorCondition.NOT_AUTHORIZED, "passwords are changed inside TLS only");
        }
        String named;
        try {
            named = username.indexOf('@') >= 0 ? username : Localpart.from(username).toString();
        } catch (XmppStringprepException e) {
            named = username;
        }
        if (!local.equals(named) && !origin.bareJid().toString().equals(named)) {
            return answer(iq, StanzaErrorCondition.FORBIDDEN, "you can only change your own password");
        }
        return workers.submit(() -> {
            if (!users.exists(local)) {
                return errorStanza(iq, StanzaErrorCondition.NOT_ALLOWED,
                        "your account is kept by the directory: change your password there");
            }
            try {
                users.setPassword(local, password);
            } catch (UserException e) {
                if (e.getCause() != null) {
                    throw e;
                }
                return errorStanza(iq, StanzaErrorCondition.NOT_ACCEPTABLE, e.getMessage()); // a password the store refuses
            }
            LOG.info("Account {} changed its password (in-band registration)", local);
            if (s.endOtherSessions()) {
                for (Session other : sessions.sessions(origin.bareJid())) {
                    if (!other.id().equals(origin.id())) {
                        other.close(StreamErrorCondition.NOT_AUTHORIZED, "your password was changed");
                    }
                }
            }
            return reply(iq, null);
        }).exceptionally(e -> failure(iq, local, e));
    }

    private static Stanza failure(Stanza iq, String local, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof WorkRejectedException) {
            return errorStanza(iq, StanzaErrorCondition.RESOURCE_CONSTRAINT, "the server is busy; try again");
        }
        LOG.error("In-band registration request of {} failed", local, cause);
        return errorStanza(iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
    }

    // ---- replies: never echo the request's payload (it may hold a password) ----

    private static CompletionStage<Stanza> answer(Stanza iq, StanzaErrorCondition condition, String text) {
        return CompletableFuture.completedFuture(errorStanza(iq, condition, text));
    }

    private static Stanza reply(Stanza iq, Element payload) {
        return iq.resultReply(payload);
    }

    private static Stanza errorStanza(Stanza iq, StanzaErrorCondition condition, String text) {
        Element.Builder request = Element.builder("iq", Namespaces.CLIENT).attribute("type", iq.type());
        if (iq.id() != null) {
            request.attribute("id", iq.id());
        }
        if (iq.from() != null) {
            request.attribute("from", iq.from().toString());
        }
        if (iq.to() != null) {
            request.attribute("to", iq.to().toString());
        }
        // a payload-free copy of the request: errorReply swaps the addresses and adds the error
        return Stanza.create(request.build()).errorReply(condition, text);
    }

    /**
     * Replies before sign-in come from the server's domain: a client matches an answer to a
     * request it addressed to the server by that (Smack's reply filter does).
     */
    private Element result(Element iq, Element payload) {
        Element.Builder b = Element.builder("iq", Namespaces.CLIENT).attribute("type", "result").attribute("from", domain.get().toString());
        if (iq.attribute("id") != null) {
            b.attribute("id", iq.attribute("id"));
        }
        if (payload != null) {
            b.child(payload);
        }
        return b.build();
    }

    private Element error(Element iq, StanzaErrorCondition condition, String text) {
        Element.Builder b = Element.builder("iq", Namespaces.CLIENT).attribute("type", "error").attribute("from", domain.get().toString());
        if (iq.attribute("id") != null) {
            b.attribute("id", iq.attribute("id"));
        }
        Element.Builder error = Element.builder("error", Namespaces.CLIENT).attribute("type", condition.defaultType().xmlName())
                .child(Element.empty(condition.xmlName(), Namespaces.STANZAS_ERROR));
        if (text != null) {
            error.child(Element.builder("text", Namespaces.STANZAS_ERROR).attribute("xml:lang", "en").text(text).build());
        }
        return b.child(error.build()).build();
    }
}
