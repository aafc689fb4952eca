package org.parley.auth.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.auth.internal.SaslFixture.challenge;
import static org.parley.auth.internal.SaslFixture.failure;
import static org.parley.auth.internal.SaslFixture.step;
import static org.parley.auth.internal.SaslFixture.success;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.DomainBareJid;
import org.parley.api.auth.AuthenticatedIdentity;
import org.parley.api.auth.PasswordAuthenticator;
import org.parley.api.auth.SaslContext;
import org.parley.api.auth.SaslFailure;
import org.parley.api.auth.SaslNegotiation;
import org.parley.api.auth.SaslStep;
import org.parley.api.storage.ScramCredential;
import org.parley.api.storage.ScramHash;

/** The five mechanism components over one shared AuthCore: what is offered, and every exchange. */
class SaslMechanismsTest {
    private static final byte[] END_POINT = "certificate hash of this server".getBytes(StandardCharsets.US_ASCII);

    private SaslFixture f;

    @BeforeEach
    void setUp() {
        f = SaslFixture.withDefaults();
        f.addUser("juliet", "r0meo", 4096);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    // --- what is offered

    @Test
    void withoutTlsOnlyScramIsOffered() {
        TestSaslContext cleartext = TestSaslContext.plain("192.0.2.10");
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1"), f.offered(cleartext));
        assertFalse(f.mechanism("PLAIN").isOffered(cleartext));
        assertFalse(f.mechanism("SCRAM-SHA-256-PLUS").isOffered(cleartext));
    }

    @Test
    void plainStartedOutsideTlsAnyhowRefusesWithEncryptionRequiredAndNeverChecksThePassword() throws Exception {
        // The session core starts only offered mechanisms; this is the guard behind that rule.
        f.store.failing = true; // a password check would answer temporary-auth-failure instead
        SaslStep.Failure refused = failure(step(f.start("PLAIN", TestSaslContext.plain("192.0.2.10")), "\0juliet\0r0meo"));
        assertEquals(SaslFailure.ENCRYPTION_REQUIRED, refused.condition());
    }

    @Test
    void aPlusMechanismStartedWithoutChannelBindingIsAnInvalidMechanism() throws Exception {
        ScramClient client = new ScramClient(true, "p=tls-server-end-point,,", END_POINT, "juliet", "clientNonce0");
        SaslStep.Failure refused = failure(step(f.start("SCRAM-SHA-256-PLUS", TestSaslContext.tls("192.0.2.10")),
                client.clientFirst()));
        assertEquals(SaslFailure.INVALID_MECHANISM, refused.condition());
    }

    @Test
    void insideTlsPlainIsOfferedLast() {
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"), f.offered(TestSaslContext.tls("192.0.2.10")));
    }

    @Test
    void channelBindingAddsThePlusVariantsFirst() {
        assertEquals(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"),
                f.offered(TestSaslContext.tlsWithBinding("192.0.2.10", END_POINT)));
    }

    @Test
    void aBindingOfAnotherTypeDoesNotOfferThePlusVariants() {
        TestSaslContext tls = TestSaslContext.tls("192.0.2.10");
        // tls-unique only (TLS 1.2): RFC 5929's tls-server-end-point is what -PLUS binds with here.
        SaslContext uniqueOnly = new SaslContext() {
            @Override
            public DomainBareJid domain() {
                return tls.domain();
            }

            @Override
            public boolean isSecure() {
                return true;
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return tls.remoteAddress();
            }

            @Override
            public Optional<byte[]> channelBinding(String type) {
                return "tls-unique".equals(type) ? Optional.of(END_POINT) : Optional.empty();
            }

            @Override
            public List<X509Certificate> peerCertificates() {
                return List.of();
            }

            @Override
            public CompletionStage<Optional<String>> mapIdentity(AuthenticatedIdentity identity) {
                return tls.mapIdentity(identity);
            }
        };
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"), f.offered(uniqueOnly));
    }

    // --- SCRAM

    @Test
    void scramSha256WithTheRightPasswordSucceedsAndProvesTheServer() throws Exception {
        ScramClient client = new ScramClient(true, "n,,", null, "juliet", "clientNonceA");
        SaslNegotiation n = f.start("SCRAM-SHA-256", TestSaslContext.plain("192.0.2.11"));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        SaslStep.Success done = success(step(n, client.clientFinal(serverFirst, "r0meo")));
        assertEquals("juliet", done.username());
        assertTrue(client.verifyServerFinal(done.additionalData()));
    }

    @Test
    void aDisabledAccountWithTheRightPasswordIsAccountDisabledOverScram() throws Exception {
        f.disabled.add("juliet");
        ScramClient client = new ScramClient(true, "n,,", null, "juliet", "clientNonceD");
        SaslNegotiation n = f.start("SCRAM-SHA-256", TestSaslContext.plain("192.0.2.21"));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        assertEquals(SaslFailure.ACCOUNT_DISABLED, failure(step(n, client.clientFinal(serverFirst, "r0meo"))).condition());
    }

    @Test
    void aDisabledAccountWithTheRightPasswordIsAccountDisabledOverPlain() throws Exception {
        f.disabled.add("juliet");
        SaslStep.Failure refused = failure(step(f.start("PLAIN", TestSaslContext.tls("192.0.2.22")), "\0juliet\0r0meo"));
        assertEquals(SaslFailure.ACCOUNT_DISABLED, refused.condition());
    }

    @Test
    void aDisabledAccountWithAWrongPasswordIsNotAuthorizedAsAnyOther() throws Exception {
        // account-disabled is told only to whoever proved the password: it says the account exists.
        f.disabled.add("juliet");
        SaslStep.Failure refused = failure(step(f.start("PLAIN", TestSaslContext.tls("192.0.2.23")), "\0juliet\0tybalt"));
        assertEquals(SaslFailure.NOT_AUTHORIZED, refused.condition());
    }

    @Test
    void anEnabledAccountNextToADisabledOneSignsIn() throws Exception {
        f.disabled.add("romeo");
        assertEquals("juliet", success(step(f.start("PLAIN", TestSaslContext.tls("192.0.2.24")), "\0juliet\0r0meo")).username());
    }

    @Test
    void usernameIsPreparedBeforeLookup() throws Exception {
        ScramClient client = new ScramClient(false, "n,,", null, "JULIET", "clientNonceB");
        SaslNegotiation n = f.start("SCRAM-SHA-1", TestSaslContext.plain("192.0.2.12"));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        assertEquals("juliet", success(step(n, client.clientFinal(serverFirst, "r0meo"))).username());
    }

    @Test
    void scramWithAWrongPasswordIsNotAuthorized() throws Exception {
        ScramClient client = new ScramClient(true, "n,,", null, "juliet", "clientNonceC");
        SaslNegotiation n = f.start("SCRAM-SHA-256", TestSaslContext.plain("192.0.2.13"));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(n, client.clientFinal(serverFirst, "tybalt"))).condition());
    }

    @Test
    void unknownUserLooksExactlyLikeAWrongPassword() throws Exception {
        String known = serverFirstFor("juliet");
        String unknown = serverFirstFor("nurse");
        // Same shape: a salt of the same length, the same iteration count.
        assertEquals(known.replaceAll("s=[^,]+", "s=").length(), unknown.replaceAll("s=[^,]+", "s=").length());
        assertEquals(known.substring(known.indexOf(",i=")), unknown.substring(unknown.indexOf(",i=")));
        assertEquals(known.split(",")[1].length(), unknown.split(",")[1].length());
        // The fake salt is stable, like a real one: asking twice must not give it away.
        assertEquals(unknown, serverFirstFor("nurse"));
        assertFalse(unknown.equals(serverFirstFor("friar")));

        SaslStep.Failure wrongPassword = finishWith("juliet", "tybalt");
        SaslStep.Failure noSuchUser = finishWith("nurse", "tybalt");
        assertEquals(wrongPassword, noSuchUser);
    }

    /** Accounts imported from servers that kept only SCRAM-SHA-1 (user:import --hashed). */
    @Test
    void anAccountWithoutASha256CredentialFailsScramSha256LikeAnUnknownUser() throws Exception {
        f.store.create("romeo", List.of(Scram.credential(ScramHash.SHA_1, "jul1et", new byte[] {4, 2}, 4096)));

        ScramClient sha1 = new ScramClient(false, "n,,", null, "romeo", "clientNonceE");
        SaslNegotiation n = f.start("SCRAM-SHA-1", TestSaslContext.plain("192.0.2.16"));
        byte[] sha1First = challenge(step(n, sha1.clientFirst()));
        assertEquals("romeo", success(step(n, sha1.clientFinal(sha1First, "jul1et"))).username());
        assertEquals("romeo",
                success(step(f.start("PLAIN", TestSaslContext.tls("192.0.2.16")), "\0romeo\0jul1et")).username());

        // SCRAM-SHA-256 is still offered (the name is not known yet when mechanisms are listed);
        // the exchange runs with a fake credential, as for a name that does not exist.
        assertTrue(f.offered(TestSaslContext.tls("192.0.2.16")).contains("SCRAM-SHA-256"));
        String serverFirst = serverFirstFor("romeo");
        assertEquals(serverFirst, serverFirstFor("romeo"), "the fake salt is stable");
        assertEquals(serverFirstFor("nurse").substring(serverFirst.indexOf(",i=")),
                serverFirst.substring(serverFirst.indexOf(",i=")));
        assertEquals(finishWith("nurse", "jul1et"), finishWith("romeo", "jul1et"));
    }

    private String serverFirstFor(String username) throws Exception {
        ScramClient client = new ScramClient(true, "n,,", null, username, "fixedClientNonce");
        SaslNegotiation n = f.start("SCRAM-SHA-256", TestSaslContext.plain("192.0.2.14"));
        return new String(challenge(step(n, client.clientFirst())), StandardCharsets.UTF_8);
    }

    private SaslStep.Failure finishWith(String username, String password) throws Exception {
        ScramClient client = new ScramClient(true, "n,,", null, username, "clientNonceD");
        SaslNegotiation n = f.start("SCRAM-SHA-256", TestSaslContext.plain("192.0.2.15"));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        return failure(step(n, client.clientFinal(serverFirst, password)));
    }

    @Test
    void scramPlusWithTheConnectionsBindingSucceeds() throws Exception {
        ScramClient client = new ScramClient(true, "p=tls-server-end-point,,", END_POINT, "juliet", "clientNonceE");
        SaslNegotiation n = f.start("SCRAM-SHA-256-PLUS", TestSaslContext.tlsWithBinding("192.0.2.16", END_POINT));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        assertTrue(client.verifyServerFinal(success(step(n, client.clientFinal(serverFirst, "r0meo"))).additionalData()));
    }

    @Test
    void scramPlusWithAnotherChannelsBindingFails() throws Exception {
        // A man in the middle terminates TLS himself: the client sees his certificate, not ours.
        byte[] attackersEndPoint = "certificate hash of the attacker".getBytes(StandardCharsets.US_ASCII);
        ScramClient client = new ScramClient(true, "p=tls-server-end-point,,", attackersEndPoint, "juliet", "clientNonceF");
        SaslNegotiation n = f.start("SCRAM-SHA-256-PLUS", TestSaslContext.tlsWithBinding("192.0.2.17", END_POINT));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        SaslStep.Failure failed = failure(step(n, client.clientFinal(serverFirst, "r0meo")));
        assertEquals(SaslFailure.NOT_AUTHORIZED, failed.condition());
        assertEquals("channel bindings do not match", failed.text());
    }

    @Test
    void yFlagWhileThePlusVariantsAreOfferedIsADowngradeAndFails() throws Exception {
        ScramClient client = new ScramClient(true, "y,,", null, "juliet", "clientNonceG");
        SaslNegotiation n = f.start("SCRAM-SHA-256", TestSaslContext.tlsWithBinding("192.0.2.18", END_POINT));
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(n, client.clientFirst())).condition());
    }

    @Test
    void yFlagWithoutChannelBindingOnOfferIsFine() throws Exception {
        ScramClient client = new ScramClient(true, "y,,", null, "juliet", "clientNonceH");
        SaslNegotiation n = f.start("SCRAM-SHA-256", TestSaslContext.tls("192.0.2.19"));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        assertEquals("juliet", success(step(n, client.clientFinal(serverFirst, "r0meo"))).username());
    }

    @Test
    void nFlagIsFineEvenWhenPlusIsOffered() throws Exception {
        ScramClient client = new ScramClient(false, "n,,", null, "juliet", "clientNonceI");
        SaslNegotiation n = f.start("SCRAM-SHA-1", TestSaslContext.tlsWithBinding("192.0.2.20", END_POINT));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        assertEquals("juliet", success(step(n, client.clientFinal(serverFirst, "r0meo"))).username());
    }

    @Test
    void plusMechanismWithoutBindingFlagIsMalformed() throws Exception {
        ScramClient client = new ScramClient(true, "n,,", null, "juliet", "clientNonceJ");
        SaslNegotiation n = f.start("SCRAM-SHA-256-PLUS", TestSaslContext.tlsWithBinding("192.0.2.21", END_POINT));
        assertEquals(SaslFailure.MALFORMED_REQUEST, failure(step(n, client.clientFirst())).condition());
    }

    @Test
    void scramAuthzidMustBeTheUsersOwnBareJid() throws Exception {
        ScramClient own = new ScramClient(true, "n,a=juliet@example.org,", null, "juliet", "clientNonceK");
        SaslNegotiation ok = f.start("SCRAM-SHA-256", TestSaslContext.plain("192.0.2.22"));
        byte[] serverFirst = challenge(step(ok, own.clientFirst()));
        assertEquals("juliet", success(step(ok, own.clientFinal(serverFirst, "r0meo"))).username());

        ScramClient other = new ScramClient(true, "n,a=romeo@example.org,", null, "juliet", "clientNonceL");
        SaslNegotiation refused = f.start("SCRAM-SHA-256", TestSaslContext.plain("192.0.2.22"));
        assertEquals(SaslFailure.INVALID_AUTHZID, failure(step(refused, other.clientFirst())).condition());
    }

    @Test
    void malformedAndBadlyEncodedMessagesAreNamedAsSuch() throws Exception {
        TestSaslContext c = TestSaslContext.plain("192.0.2.23");
        assertEquals(SaslFailure.MALFORMED_REQUEST,
                failure(step(f.start("SCRAM-SHA-1", c), "hello")).condition());
        assertEquals(SaslFailure.MALFORMED_REQUEST,
                failure(step(f.start("SCRAM-SHA-1", c), "n,,m=ext,n=juliet,r=abc")).condition(),
                "the reserved mandatory extension must be refused");
        assertEquals(SaslFailure.MALFORMED_REQUEST,
                failure(step(f.start("SCRAM-SHA-1", c), "n,,n=jul=41iet,r=abc")).condition());
        assertEquals(SaslFailure.INCORRECT_ENCODING,
                failure(step(f.start("SCRAM-SHA-1", c), new byte[] {'n', ',', ',', 'n', '=', (byte) 0xC3, 0x28})).condition());

        SaslNegotiation n = f.start("SCRAM-SHA-1", c);
        byte[] serverFirst = challenge(step(n, "n,,n=juliet,r=abc"));
        String nonce = new String(serverFirst, StandardCharsets.UTF_8).split(",")[0].substring(2);
        assertEquals(SaslFailure.INCORRECT_ENCODING,
                failure(step(n, "c=biws,r=" + nonce + ",p=not*base64!")).condition());
        assertEquals(SaslFailure.MALFORMED_REQUEST, failure(step(n, "anything")).condition(), "the exchange is over");
    }

    @Test
    void authWithoutInitialResponseGetsAnEmptyChallengeFirst() throws Exception {
        ScramClient client = new ScramClient(true, "n,,", null, "juliet", "clientNonceM");
        SaslNegotiation n = f.start("SCRAM-SHA-256", TestSaslContext.plain("192.0.2.24"));
        assertArrayEquals(new byte[0], challenge(step(n, new byte[0])));
        byte[] serverFirst = challenge(step(n, client.clientFirst()));
        assertEquals("juliet", success(step(n, client.clientFinal(serverFirst, "r0meo"))).username());
    }

    @Test
    void storageFailureIsATemporaryFailure() throws Exception {
        f.store.failing = true;
        ScramClient client = new ScramClient(true, "n,,", null, "juliet", "clientNonceN");
        SaslNegotiation n = f.start("SCRAM-SHA-256", TestSaslContext.plain("192.0.2.25"));
        assertEquals(SaslFailure.TEMPORARY_AUTH_FAILURE, failure(step(n, client.clientFirst())).condition());

        SaslNegotiation plain = f.start("PLAIN", TestSaslContext.tls("192.0.2.25"));
        assertEquals(SaslFailure.TEMPORARY_AUTH_FAILURE, failure(step(plain, "\0juliet\0r0meo")).condition());
    }

    @Test
    void lookupsRunOffTheCallersThreadAndAFullPoolAnswersTemporaryFailure() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InMemoryUserStore blocking = new InMemoryUserStore() {
            @Override
            public java.util.Optional<ScramCredential> credential(String username, ScramHash hash) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.credential(username, hash);
            }
        };
        AuthWorkers small = new AuthWorkers(1, 1);
        try {
            SaslFixture service = new SaslFixture(blocking, AuthSettings.DEFAULTS, () -> "n0nce", small);
            TestSaslContext c = TestSaslContext.plain("192.0.2.26");
            byte[] first = "n,,n=juliet,r=abc".getBytes(StandardCharsets.UTF_8);
            // The caller gets its stage back at once although the store blocks.
            CompletableFuture<SaslStep> running = service.start("SCRAM-SHA-1", c).evaluate(first).toCompletableFuture();
            CompletableFuture<SaslStep> queued = service.start("SCRAM-SHA-1", c).evaluate(first).toCompletableFuture();
            assertFalse(running.isDone());
            assertFalse(queued.isDone());
            SaslStep refused = service.start("SCRAM-SHA-1", c).evaluate(first).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(SaslFailure.TEMPORARY_AUTH_FAILURE, failure(refused).condition());
            release.countDown();
            assertNotNull(challenge(running.get(20, TimeUnit.SECONDS)));
            assertNotNull(challenge(queued.get(20, TimeUnit.SECONDS)));
        } finally {
            release.countDown();
            small.close();
        }
    }

    // --- PLAIN

    @Test
    void plainChecksThePasswordAgainstTheStoredCredentials() throws Exception {
        TestSaslContext c = TestSaslContext.tls("192.0.2.30");
        SaslStep.Success ok = success(step(f.start("PLAIN", c), "\0Juliet\0r0meo"));
        assertEquals("juliet", ok.username());
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(f.start("PLAIN", c), "\0juliet\0tybalt")).condition());
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(f.start("PLAIN", c), "\0nurse\0r0meo")).condition());
    }

    @Test
    void plainWithAnotherUsersAuthzidIsInvalidAuthzid() throws Exception {
        TestSaslContext c = TestSaslContext.tls("192.0.2.31");
        assertEquals(SaslFailure.INVALID_AUTHZID,
                failure(step(f.start("PLAIN", c), "romeo@example.org\0juliet\0r0meo")).condition());
        assertEquals(SaslFailure.INVALID_AUTHZID,
                failure(step(f.start("PLAIN", c), "juliet@example.com\0juliet\0r0meo")).condition());
        assertEquals(SaslFailure.INVALID_AUTHZID,
                failure(step(f.start("PLAIN", c), "juliet@example.org/balcony\0juliet\0r0meo")).condition());
        assertEquals("juliet",
                success(step(f.start("PLAIN", c), "Juliet@EXAMPLE.org\0juliet\0r0meo")).username());
    }

    @Test
    void plainMessagesThatAreNotThreeFieldsAreMalformed() throws Exception {
        TestSaslContext c = TestSaslContext.tls("192.0.2.32");
        assertEquals(SaslFailure.MALFORMED_REQUEST, failure(step(f.start("PLAIN", c), "juliet r0meo")).condition());
        assertEquals(SaslFailure.MALFORMED_REQUEST, failure(step(f.start("PLAIN", c), "\0juliet\0")).condition());
        assertEquals(SaslFailure.INCORRECT_ENCODING,
                failure(step(f.start("PLAIN", c), new byte[] {0, 'j', 0, (byte) 0xFF})).condition());
    }

    @Test
    void plainChainAsksTheHighestRankingFirstAndTheFirstThatKnowsTheUserDecides() throws Exception {
        TestSaslContext c = TestSaslContext.tls("192.0.2.33");
        // A directory that knows juliet with another password, ranked above the internal store.
        PasswordAuthenticator directory = (user, password) -> CompletableFuture.completedFuture(
                !user.equals("juliet") ? PasswordAuthenticator.Result.UNKNOWN_USER
                        : password.equals("ldap-pass") ? PasswordAuthenticator.Result.ACCEPTED
                        : PasswordAuthenticator.Result.REJECTED);
        f.core.addAuthenticator(directory, Map.of("service.ranking", 100, "service.id", 2L));
        assertEquals(2, f.core.chain().size());
        assertTrue(f.core.chain().get(0) == directory);

        assertEquals("juliet", success(step(f.start("PLAIN", c), "\0juliet\0ldap-pass")).username());
        assertEquals(SaslFailure.NOT_AUTHORIZED,
                failure(step(f.start("PLAIN", c), "\0juliet\0r0meo")).condition(),
                "the directory rejected: the internal password is not asked");

        f.addUser("romeo", "juli3t", 4096);
        assertEquals("romeo", success(step(f.start("PLAIN", c), "\0romeo\0juli3t")).username(),
                "unknown to the directory: the internal store decides");

        f.core.removeAuthenticator(directory);
        assertEquals("juliet", success(step(f.start("PLAIN", c), "\0juliet\0r0meo")).username());
    }

    @Test
    void aRankingConfiguredAsTextInAnEtcFileReordersTheChainWhenItChanges() throws Exception {
        TestSaslContext c = TestSaslContext.tls("192.0.2.37");
        PasswordAuthenticator file = (user, password) -> CompletableFuture.completedFuture(
                !user.equals("juliet") ? PasswordAuthenticator.Result.UNKNOWN_USER
                        : password.equals("file-pass") ? PasswordAuthenticator.Result.ACCEPTED
                        : PasswordAuthenticator.Result.REJECTED);
        f.core.addAuthenticator(file, Map.of("service.ranking", -1500, "service.id", 2L));
        assertEquals("juliet", success(step(f.start("PLAIN", c), "\0juliet\0r0meo")).username(), "the store is asked first");
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(f.start("PLAIN", c), "\0juliet\0file-pass")).condition());

        // FileInstall hands 'service.ranking = 0' over as the text "0"; DS updates the service properties.
        f.core.updateAuthenticator(file, Map.of("service.ranking", " 0", "service.id", 2L));
        assertTrue(f.core.chain().get(0) == file, "text holding a number ranks as that number, not as nothing");
        assertEquals("juliet", success(step(f.start("PLAIN", c), "\0juliet\0file-pass")).username());
        assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(f.start("PLAIN", c), "\0juliet\0r0meo")).condition(),
                "the file rejected: the store is not asked");

        f.core.updateAuthenticator(file, Map.of("service.ranking", "first", "service.id", 2L));
        assertTrue(f.core.chain().get(0) == file, "not a number: 0, as the framework ranks it, still above the store's -1000");
        f.core.updateAuthenticator(file, Map.of("service.ranking", "-1500", "service.id", 2L));
        assertTrue(f.core.chain().get(1) == file);
        assertEquals("juliet", success(step(f.start("PLAIN", c), "\0juliet\0r0meo")).username());
    }

    @Test
    void plainWhileADirectoryIsReplacedWaitsForItsSuccessor() throws Exception {
        TestSaslContext c = TestSaslContext.tls("192.0.2.36");
        PasswordAuthenticator old = (user, password) -> CompletableFuture.completedFuture(
                user.equals("dora") ? PasswordAuthenticator.Result.ACCEPTED : PasswordAuthenticator.Result.UNKNOWN_USER);
        f.core.addAuthenticator(old, Map.of("service.ranking", 100, "service.id", 4L, "component.name", "org.parley.ldap.provider"));
        f.core.removeAuthenticator(old); // its bundle is being upgraded
        CompletableFuture<SaslStep> pending = f.start("PLAIN", c).evaluate("\0dora\0secret".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toCompletableFuture();
        Thread.sleep(100);
        assertTrue(!pending.isDone(), "not told 'wrong password' by the store alone: it waits");
        f.core.addAuthenticator(old, Map.of("service.ranking", 100, "service.id", 5L, "component.name", "org.parley.ldap.provider"));
        assertEquals("dora", success(pending.get(5, java.util.concurrent.TimeUnit.SECONDS)).username());
    }

    @Test
    void plainWithABrokenAuthenticatorIsATemporaryFailure() throws Exception {
        PasswordAuthenticator broken = (user, password) -> {
            throw new IllegalStateException("directory client not connected");
        };
        f.core.addAuthenticator(broken, Map.of("service.ranking", 100, "service.id", 3L));
        assertEquals(SaslFailure.TEMPORARY_AUTH_FAILURE,
                failure(step(f.start("PLAIN", TestSaslContext.tls("192.0.2.34")), "\0juliet\0r0meo")).condition());
    }

    @Test
    void plainWithNoAuthenticatorIsNotAuthorized() throws Exception {
        try (SaslFixture bare = SaslFixture.withDefaults()) {
            bare.core.removeAuthenticator(bare.core.chain().get(0));
            assertEquals(SaslFailure.NOT_AUTHORIZED, failure(step(bare.start("PLAIN",
                    TestSaslContext.tls("192.0.2.35")), "\0juliet\0r0meo")).condition());
        }
    }
}
