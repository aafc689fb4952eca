package org.parley.storage.jdbc.internal;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store on the embedded default: an empty url and parley.data pointing at a temporary directory. */
class H2UserStoreTest extends AbstractUserStoreTest {
    @TempDir
    Path data;

    @Override
    protected TestConfig freshDatabase() {
        return TestConfig.embeddedDefault();
    }

    @Override
    protected String dataDirectory() {
        return data.toString();
    }
}
