package org.example.notes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.parley.api.server.WorkerPool;
import org.parley.api.storage.SchemaMigration;
import org.parley.api.storage.SqlDatabase;

/**
 * The example of docs/EXTENDING.md, "Storage for a feature bundle", compiled and run by
 * ExampleFeatureStoreTest so that the page stays true. Keep the two identical.
 */
@Component(service = NoteStore.class)
public final class NoteStore {
    private static final List<SchemaMigration> MIGRATIONS = List.of(
            SchemaMigration.portable(1, "notes table", """
                    CREATE TABLE IF NOT EXISTS example_notes (
                        username VARCHAR(1023) NOT NULL PRIMARY KEY,
                        note VARCHAR(4000) NOT NULL
                    );
                    """));

    private final SqlDatabase database;
    private final WorkerPool workers;

    @Activate
    public NoteStore(@Reference SqlDatabase database, @Reference WorkerPool workers) {
        this.database = database;
        this.workers = workers;
        database.migrate("example-notes", MIGRATIONS); // blocks: fine here, never on a session thread
    }

    /** A user's note, read on the shared pool: the caller gets a stage and never waits. */
    public CompletionStage<Optional<String>> note(String username) {
        return workers.submit(() -> {
            try (Connection c = database.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT note FROM example_notes WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }
}
