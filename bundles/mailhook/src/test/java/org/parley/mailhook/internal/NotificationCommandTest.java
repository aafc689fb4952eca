package org.parley.mailhook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.parley.api.adhoc.AdHocRequest;
import org.parley.api.adhoc.AdHocStage;
import org.parley.api.server.TestWorkers;
import org.parley.api.stanza.Element;
import org.parley.api.stanza.StanzaErrorCondition;
import org.parley.mailhook.internal.adhoc.NotificationCommand;
import org.parley.storage.jdbc.internal.TestSqlDatabase;

/** The command's stages against a real (H2) store; the protocol around them is the adhoc bundle's (and tested there). */
class NotificationCommandTest {
    private static final String DATA = AdHocStage.DATA;
    private static final EntityFullJid ALICE = JidCreate.entityFullFromOrThrowUnchecked("alice@example.edu/phone");

    @TempDir
    Path dir;
    private TestWorkers workers;
    private Preferences preferences;
    private NotificationCommand command;

    private TestSqlDatabase database;

    /** Where preferences are kept: embedded H2 here, a real PostgreSQL in {@link PostgresNotificationCommandTest}. */
    TestSqlDatabase newDatabase() {
        return TestSqlDatabase.h2(dir);
    }

    @BeforeEach
    void setUp() {
        database = newDatabase();
        database.migrate(Outbox.MODULE, Outbox.MIGRATIONS);
        workers = new TestWorkers();
        preferences = new Preferences(database.dataSource(), Clock.systemUTC());
        command = new NotificationCommand(preferences, workers);
    }

    @AfterEach
    void tearDown() {
        workers.close();
        database.close();
    }

    private static Element submit(String value) {
        return Element.builder("x", DATA).attribute("type", "submit")
                .child(Element.builder("field", DATA).attribute("var", "notify").child(Element.builder("value", DATA).text(value).build()).build())
                .build();
    }

    private AdHocStage stage(Element form) throws Exception {
        return command.execute(new AdHocRequest(ALICE, form, Map.of())).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static String shown(AdHocStage stage) {
        return stage.form().child("field", DATA).child("value", DATA).text();
    }

    @Test
    void theFirstStageShowsTheCurrentSettingOnByDefault() throws Exception {
        AdHocStage first = stage(null);
        assertFalse(first.completed());
        assertEquals("form", first.form().attribute("type"));
        assertEquals("1", shown(first));
    }

    @Test
    void submittingNoTurnsMailOffForHerOnlyAndItShowsNextTime() throws Exception {
        AdHocStage done = stage(submit("0"));
        assertTrue(done.completed());
        assertEquals("Mail notifications are off.", done.note());
        assertFalse(preferences.enabled("alice"));
        assertTrue(preferences.enabled("bob"), "only her own setting");
        assertEquals("0", shown(stage(null)));
        stage(submit("true"));
        assertTrue(preferences.enabled("alice"), "and back on");
    }

    @Test
    void turningOffTwiceIsNoError() throws Exception {
        assertTrue(stage(submit("false")).completed());
        assertEquals(null, stage(submit("false")).error());
        assertFalse(preferences.enabled("alice"));
    }

    @Test
    void aValueThatIsNotABooleanIsABadPayloadAndChangesNothing() throws Exception {
        AdHocStage refused = stage(submit("maybe"));
        assertEquals(StanzaErrorCondition.BAD_REQUEST, refused.error());
        assertTrue(refused.badPayload());
        AdHocStage notSubmitted = stage(Element.builder("x", DATA).attribute("type", "form").build());
        assertTrue(notSubmitted.badPayload());
        assertTrue(preferences.enabled("alice"));
    }

    @Test
    void aFullPoolIsResourceConstraint() throws Exception {
        NotificationCommand busy = new NotificationCommand(preferences, new org.parley.api.server.WorkerPool() {
            @Override
            public <T> java.util.concurrent.CompletionStage<T> submit(java.util.concurrent.Callable<T> work) {
                return java.util.concurrent.CompletableFuture.failedFuture(
                        new org.parley.api.server.WorkRejectedException("the worker pool is full"));
            }
        });
        AdHocStage refused = busy.execute(new AdHocRequest(ALICE, null, Map.of())).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(StanzaErrorCondition.RESOURCE_CONSTRAINT, refused.error());
    }
}
