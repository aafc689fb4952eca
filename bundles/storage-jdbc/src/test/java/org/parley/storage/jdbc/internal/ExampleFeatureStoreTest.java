package org.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.example.notes.NoteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.server.WorkerPool;
import org.parley.api.storage.SqlDatabase;

/** Runs the example of docs/EXTENDING.md against the real SqlDatabase, so the page cannot drift from the code. */
class ExampleFeatureStoreTest {
    @TempDir
    Path data;

    /** Stands for the server bundle's pool: blocking work on threads of its own. */
    private static final class Workers implements WorkerPool {
        final ExecutorService threads = Executors.newFixedThreadPool(2);

        @Override
        public <T> CompletionStage<T> submit(Callable<T> work) {
            CompletableFuture<T> result = new CompletableFuture<>();
            threads.execute(() -> {
                try {
                    result.complete(work.call());
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
            return result;
        }
    }

    /** The page shows the class from its @Component on, exactly as it is compiled here. */
    @Test
    void thePageShowsThisVeryClass() throws Exception {
        String source = Files.readString(Path.of("src/test/java/org/example/notes/NoteStore.java"));
        String shown = source.substring(source.indexOf("@Component")).strip();
        String page = Files.readString(Path.of("../../docs/EXTENDING.md"));
        assertTrue(page.contains("```java\n" + shown + "\n```"), "docs/EXTENDING.md differs from NoteStore.java");
    }

    @Test
    void theExampleMigratesItsTableAndReadsOnTheWorkerPool() throws Exception {
        Storage storage = new Storage(data.toString(), TestConfig.embeddedDefault(), Map.of());
        Workers workers = new Workers();
        try {
            SqlDatabase database = storage.sql();
            NoteStore notes = new NoteStore(database, workers);
            try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO example_notes (username, note) VALUES ('juliet', 'balcony at nine')");
            }

            assertEquals(Optional.of("balcony at nine"), notes.note("juliet").toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertEquals(Optional.empty(), notes.note("romeo").toCompletableFuture().get(10, TimeUnit.SECONDS));

            new NoteStore(database, workers); // activated again (a restart): nothing is migrated twice
            try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT COUNT(*) FROM parley_schema_module WHERE module = 'example-notes'")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        } finally {
            workers.threads.shutdownNow();
            storage.close();
        }
    }
}
