package org.parley.storage.jdbc.internal;

import java.util.ArrayList;
import java.util.List;

/** How migration scripts are cut into statements: one rule for this bundle's own and for feature bundles'. */
final class SqlScripts {
    private SqlScripts() {
    }

    /**
     * Splits a migration into statements at semicolons that end a line, dropping {@code --}
     * comment lines. Migrations are plain DDL and DML: no semicolons inside literals or bodies
     * at the end of a line.
     */
    static List<String> statements(String script) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                result.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(trimmed).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            result.add(current.toString().strip());
        }
        return result;
    }
}
