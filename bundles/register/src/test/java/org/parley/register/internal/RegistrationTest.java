package org.parley.register.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.auth.UserException;
import org.parley.api.auth.UserManager;
import org.parley.api.server.StateHandoff;
import org.parley.api.server.WorkerPool;
import org.parley.api.session.Session;
import org.parley.api.session.TestSession;
import org.parley.api.session.TestSessionRegistry;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.Namespaces;
import org.parley.api.stanza.Stanza;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.api.stanza.StreamErrorCondition;
import org.parley.api.stream.StreamContext;
import org.parley.net.Networks;

class RegistrationTest {
    private static final String NS = Registration.REGISTER;

    private final Users users = new Users();
    private final TestSessionRegistry sessions = new TestSessionRegistry();
    private final Handoff handoff = new Handoff();
    private final AtomicLong now = new AtomicLong(1_000_000);

    private Registration registration(Map<String, Object> config) {
        return new Registration(users, INLINE, sessions, handoff, now::get, () -> JidCreate.domainBareFromOrThrowUnchecked("example.org"),
                RegisterSettings.from(config(config)));
    }

    // ---- before sign-in ----

    @Test
    void creationIsOffByDefaultNotOfferedAndAnsweredServiceUnavailable() {
        Registration r = registration(Map.of());
        Stream stream = new Stream(true, "10.0.0.1");
        assertNull(r.advertise(stream));
        r.handleIq(get("g1"), stream);
        assertError(stream.last(), "g1", StanzaErrorCondition.SERVICE_UNAVAILABLE);
        r.handleIq(create("c1", "alice", "secret"), stream);
        assertError(stream.last(), "c1", StanzaErrorCondition.SERVICE_UNAVAILABLE);
        assertFalse(users.passwords.containsKey("alice"));
    }

    @Test
    void whenOnTheFormIsGivenAndAnAccountIsCreatedInsideTls() {
        Registration r = registration(Map.of("accountCreation", true));
        Stream stream = new Stream(true, "10.0.0.1");
        Element feature = r.advertise(stream);
        assertTrue(feature.is("register", Registration.FEATURE));
        r.handleIq(get("g1"), stream);
        Element form = stream.last().child("query", NS);
        assertEquals("result", stream.last().attribute("type"));
        assertNotNull(form.child("username", NS));
        assertNotNull(form.child("password", NS));
        r.handleIq(create("c1", "Alice", "secret"), stream);
        assertEquals("result", stream.last().attribute("type"));
        assertEquals("c1", stream.last().attribute("id"));
        assertEquals("secret", users.passwords.get("alice"), "the name as nodeprep prepares it");
    }

    @Test
    void answersBeforeSignInComeFromTheDomainAndARequestForAnotherAddressIsRefused() {
        Registration r = registration(Map.of("accountCreation", true));
        Stream stream = new Stream(true, "10.0.0.1");
        r.handleIq(get("g1").withAttribute("to", "example.org"), stream);
        assertEquals("example.org", stream.last().attribute("from"));
        assertEquals("result", stream.last().attribute("type"));
        r.handleIq(create("c1", "alice", "pw").withAttribute("to", "bob@example.org"), stream);
        assertError(stream.last(), "c1", StanzaErrorCondition.SERVICE_UNAVAILABLE);
        assertFalse(users.passwords.containsKey("alice"));
    }

    @Test
    void withoutTlsNothingIsOfferedOrCreated() {
        Registration r = registration(Map.of("accountCreation", true));
        Stream plain = new Stream(false, "10.0.0.1");
        assertNull(r.advertise(plain));
        r.handleIq(create("c1", "alice", "secret"), plain);
        assertError(plain.last(), "c1", StanzaErrorCondition.NOT_AUTHORIZED);
        assertTrue(users.passwords.isEmpty());
    }

    @Test
    void aTakenNameIsAConflictAndAMissingFieldOrBadNameNotAcceptable() {
        users.passwords.put("bob", "old");
        Registration r = registration(Map.of("accountCreation", true, "maxPerAddress", 100));
        Stream stream = new Stream(true, "10.0.0.1");
        r.handleIq(create("c1", "bob", "new"), stream);
        assertError(stream.last(), "c1", StanzaErrorCondition.CONFLICT);
        assertEquals("old", users.passwords.get("bob"), "the existing account keeps its password");
        r.handleIq(create("c2", "carol", null), stream);
        assertError(stream.last(), "c2", StanzaErrorCondition.NOT_ACCEPTABLE);
        r.handleIq(create("c3", null, "pw"), stream);
        assertError(stream.last(), "c3", StanzaErrorCondition.NOT_ACCEPTABLE);
        r.handleIq(create("c4", "car@ol", "pw"), stream);
        assertError(stream.last(), "c4", StanzaErrorCondition.NOT_ACCEPTABLE);
        r.handleIq(create("c5", "a b", "pw"), stream);
        assertError(stream.last(), "c5", StanzaErrorCondition.NOT_ACCEPTABLE);
        assertEquals(List.of("bob"), List.copyOf(users.passwords.keySet()));
        assertFalse(stream.last().toString().contains("pw"), "an error never echoes the password: " + stream.last());
    }

    @Test
    void anAddressIsLimitedPerWindowAndOthersAreNot() {
        Registration r = registration(Map.of("accountCreation", true, "maxPerAddress", 2, "windowSeconds", 60));
        Stream a = new Stream(true, "10.0.0.1");
        r.handleIq(create("1", "u1", "pw"), a);
        r.handleIq(create("2", "u2", "pw"), a);
        r.handleIq(create("3", "u3", "pw"), a);
        assertError(a.last(), "3", StanzaErrorCondition.RESOURCE_CONSTRAINT);
        assertEquals("wait", a.last().child("error", Namespaces.CLIENT).attribute("type"));
        assertFalse(users.passwords.containsKey("u3"));
        Stream b = new Stream(true, "10.0.0.2");
        r.handleIq(create("4", "u4", "pw"), b);
        assertEquals("result", b.last().attribute("type"));
        now.addAndGet(60_000);
        r.handleIq(create("5", "u3", "pw"), a);
        assertEquals("result", a.last().attribute("type"), "the window passed");
    }

    @Test
    void onlyTheAllowedNetworksMayCreate() {
        Registration r = registration(Map.of("accountCreation", true, "allowNetworks", new String[] {"10.0.0.0/8, 2001:db8::/32"}));
        Stream inside = new Stream(true, "10.1.2.3");
        Stream outside = new Stream(true, "192.168.1.1");
        assertNotNull(r.advertise(inside));
        assertNull(r.advertise(outside));
        r.handleIq(create("c1", "u1", "pw"), outside);
        assertError(outside.last(), "c1", StanzaErrorCondition.NOT_ALLOWED);
        r.handleIq(create("c2", "u1", "pw"), inside);
        assertEquals("result", inside.last().attribute("type"));
    }

    @Test
    void cancellingBeforeSignInIsRefused() {
        Registration r = registration(Map.of("accountCreation", true));
        Stream stream = new Stream(true, "10.0.0.1");
        users.passwords.put("alice", "pw");
        r.handleIq(iq("set", "x1", Element.builder("query", NS).child(Element.empty("remove", NS)).build()), stream);
        assertError(stream.last(), "x1", StanzaErrorCondition.NOT_AUTHORIZED);
        assertTrue(users.passwords.containsKey("alice"));
    }

    // ---- signed in ----

    @Test
    void aLocalUserChangesTheirPasswordAndOtherSessionsStayByDefault() {
        users.passwords.put("alice", "old");
        TestSession phone = sessions.bind(new TestSession("alice@example.org/phone"));
        TestSession desk = sessions.bind(new TestSession("alice@example.org/desk"));
        Stanza answer = answer(registration(Map.of()), change(desk, "alice", "new"), desk);
        assertEquals("result", answer.type());
        assertEquals("new", users.passwords.get("alice"));
        assertNull(phone.closedWith());
        assertNull(desk.closedWith());
    }

    @Test
    void theOperatorMayHaveOtherSessionsEndedOnAPasswordChange() {
        users.passwords.put("alice", "old");
        TestSession phone = sessions.bind(new TestSession("alice@example.org/phone"));
        TestSession desk = sessions.bind(new TestSession("alice@example.org/desk"));
        Stanza answer = answer(registration(Map.of("endOtherSessions", true)), change(desk, "alice@example.org", "new"), desk);
        assertEquals("result", answer.type());
        assertEquals(StreamErrorCondition.NOT_AUTHORIZED, phone.closedWith());
        assertNull(desk.closedWith(), "the session that changed it stays");
    }

    @Test
    void aDirectoryAccountIsRefusedNotAllowedAndAnotherUsersPasswordForbidden() {
        TestSession dora = new TestSession("dora@example.org/desk"); // signed in through the directory: not in the store
        Stanza refused = answer(registration(Map.of()), change(dora, "dora", "new"), dora);
        assertEquals(StanzaErrorCondition.NOT_ALLOWED, refused.errorCondition());
        assertTrue(refused.element().toString().contains("directory"), refused.toString());
        assertFalse(refused.element().toString().contains("new"), "no password echoed: " + refused);
        assertFalse(users.passwords.containsKey("dora"));

        users.passwords.put("alice", "a");
        users.passwords.put("bob", "b");
        TestSession alice = new TestSession("alice@example.org/desk");
        Stanza forbidden = answer(registration(Map.of()), change(alice, "bob", "mine"), alice);
        assertEquals(StanzaErrorCondition.FORBIDDEN, forbidden.errorCondition());
        assertEquals("b", users.passwords.get("bob"));
        Stanza incomplete = answer(registration(Map.of()), Stanza.create(iq("set", "p", Element.builder("query", NS)
                .textChild("username", "alice").build())).withFrom(alice.jid()), alice);
        assertEquals(StanzaErrorCondition.BAD_REQUEST, incomplete.errorCondition());
        Stanza off = answer(registration(Map.of("passwordChange", false)), change(alice, "alice", "x"), alice);
        assertEquals(StanzaErrorCondition.NOT_ALLOWED, off.errorCondition());
        assertEquals("a", users.passwords.get("alice"));
    }

    @Test
    void signedInGetSaysRegisteredForALocalAccount() {
        users.passwords.put("alice", "a");
        TestSession alice = new TestSession("alice@example.org/desk");
        Stanza answer = answer(registration(Map.of()), Stanza.create(iq("get", "g", Element.empty("query", NS))).withFrom(alice.jid()), alice);
        Element query = answer.element().child("query", NS);
        assertNotNull(query.child("registered", NS));
        assertEquals("alice", query.childText("username"));
    }

    @Test
    void cancellationDeletesALocalAccountThroughTheUserManager() {
        users.passwords.put("alice", "a");
        TestSession alice = new TestSession("alice@example.org/desk");
        Stanza answer = answer(registration(Map.of()), remove(alice), alice);
        assertEquals("result", answer.type());
        assertEquals(List.of("alice"), users.deleted);

        TestSession dora = new TestSession("dora@example.org/desk");
        assertEquals(StanzaErrorCondition.NOT_ALLOWED, answer(registration(Map.of()), remove(dora), dora).errorCondition());
        users.passwords.put("bob", "b");
        TestSession bob = new TestSession("bob@example.org/desk");
        assertEquals(StanzaErrorCondition.NOT_ALLOWED, answer(registration(Map.of("cancellation", false)), remove(bob), bob).errorCondition());
        assertEquals(List.of("alice"), users.deleted);
    }

    // ---- configuration and upgrade ----

    @Test
    void aValueOutOfRangeIsRefusedNamingItsKeyAndTheOldSettingsStay() {
        Registration r = registration(Map.of("accountCreation", true, "maxPerAddress", 1));
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("maxPerAddress", 0), Map.of("windowSeconds", -5),
                Map.of("allowNetworks", new String[] {"10.0.0.300/8"}))) {
            String key = bad.keySet().iterator().next();
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> RegisterSettings.from(config(bad)));
            assertTrue(e.getMessage().contains("key '" + key + "'"), e.getMessage());
            r.modified(config(bad));
        }
        Stream stream = new Stream(true, "10.0.0.1");
        r.handleIq(create("1", "u1", "pw"), stream);
        r.handleIq(create("2", "u2", "pw"), stream);
        assertError(stream.last(), "2", StanzaErrorCondition.RESOURCE_CONSTRAINT);
        r.modified(config(Map.of()));
        assertNull(r.advertise(stream), "a valid change applies at once");
    }

    @Test
    void theCreationCountsGoToTheSuccessor() {
        Registration r = registration(Map.of("accountCreation", true, "maxPerAddress", 2));
        Stream stream = new Stream(true, "10.0.0.1");
        r.handleIq(create("1", "u1", "pw"), stream);
        r.handleIq(create("2", "u2", "pw"), stream);
        r.deactivate();
        Registration fresh = registration(Map.of("accountCreation", true, "maxPerAddress", 2));
        handoff.store.putAll(handoff.deposited);
        Registration successor = registration(Map.of("accountCreation", true, "maxPerAddress", 2));
        successor.takeOver();
        assertTrue(handoff.store.isEmpty(), "taken");
        successor.handleIq(create("3", "u3", "pw"), stream);
        assertError(stream.last(), "3", StanzaErrorCondition.RESOURCE_CONSTRAINT);
        fresh.handleIq(create("4", "u4", "pw"), stream);
        assertEquals("result", stream.last().attribute("type"), "without the snapshot an instance starts afresh");
    }

    // ---- helpers ----

    private static void assertError(Element reply, String id, StanzaErrorCondition condition) {
        assertEquals("error", reply.attribute("type"), reply.toString());
        assertEquals(id, reply.attribute("id"));
        assertNotNull(reply.child("error", Namespaces.CLIENT).child(condition.xmlName(), Namespaces.STANZAS_ERROR), reply.toString());
    }

    private static Element iq(String type, String id, Element payload) {
        return Element.builder("iq", Namespaces.CLIENT).attribute("type", type).attribute("id", id).child(payload).build();
    }

    private static Element get(String id) {
        return iq("get", id, Element.empty("query", NS));
    }

    private static Element create(String id, String username, String password) {
        Element.Builder q = Element.builder("query", NS);
        if (username != null) {
            q.textChild("username", username);
        }
        if (password != null) {
            q.textChild("password", password);
        }
        return iq("set", id, q.build());
    }

    private static Stanza change(Session from, String username, String password) {
        return Stanza.create(create("p1", username, password).withAttribute("to", "example.org")).withFrom(from.jid());
    }

    private static Stanza remove(Session from) {
        return Stanza.create(iq("set", "r1", Element.builder("query", NS).child(Element.empty("remove", NS)).build())
                .withAttribute("to", "example.org")).withFrom(from.jid());
    }

    private static Stanza answer(Registration r, Stanza iq, Session origin) {
        return r.handle(iq, origin).toCompletableFuture().join();
    }

    private static final WorkerPool INLINE = new WorkerPool() {
        @Override
        public <T> CompletionStage<T> submit(java.util.concurrent.Callable<T> work) {
            try {
                return CompletableFuture.completedFuture(work.call());
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    };

    static RegisterConfig config(Map<String, Object> values) {
        return (RegisterConfig) Proxy.newProxyInstance(RegisterConfig.class.getClassLoader(), new Class<?>[] {RegisterConfig.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    /** A stream before sign-in that records what is sent on it. */
    private static final class Stream implements StreamContext {
        final List<Element> sent = new ArrayList<>();
        final boolean secure;
        final InetSocketAddress remote;

        Stream(boolean secure, String address) {
            this.secure = secure;
            this.remote = new InetSocketAddress(address, 40000);
        }

        Element last() {
            return sent.get(sent.size() - 1);
        }

        @Override
        public String connectionId() {
            return "c1";
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String username() {
            return null;
        }

        @Override
        public Session session() {
            return null;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return remote;
        }

        @Override
        public void send(Element element) {
            sent.add(element);
        }

        @Override
        public void close(StreamErrorCondition condition, String text) {
            throw new AssertionError("closed: " + condition);
        }
    }

    /** The internal store: accounts with their password. */
    private static final class Users implements UserManager {
        final Map<String, String> passwords = new ConcurrentHashMap<>();
        final List<String> deleted = new ArrayList<>();

        @Override
        public void create(String username, String password) throws UserException {
            if (passwords.putIfAbsent(username, password) != null) {
                throw new UserException("user " + username + " already exists");
            }
        }

        @Override
        public void setPassword(String username, String password) throws UserException {
            if (passwords.replace(username, password) == null) {
                throw new UserException("no such user: " + username);
            }
        }

        @Override
        public void delete(String username) throws UserException {
            if (passwords.remove(username) == null) {
                throw new UserException("no such user: " + username);
            }
            deleted.add(username);
        }

        @Override
        public boolean exists(String username) {
            return passwords.containsKey(username);
        }

        @Override
        public List<String> list(int offset, int limit) {
            return List.copyOf(passwords.keySet());
        }

        @Override
        public int count() {
            return passwords.size();
        }

        @Override
        public int importUsers(BufferedReader lines) throws UserException {
            throw new UserException("not in this test");
        }
    }

    private static final class Handoff implements StateHandoff {
        final Map<String, Map<String, Object>> deposited = new HashMap<>();
        final Map<String, Map<String, Object>> store = new HashMap<>();

        @Override
        public void deposit(String key, Map<String, Object> snapshot) {
            deposited.put(key, snapshot);
        }

        @Override
        public Optional<Map<String, Object>> take(String key) {
            return Optional.ofNullable(store.remove(key));
        }
    }
}
