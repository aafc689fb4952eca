package org.parley.tls.internal;

import java.nio.file.Path;

/** A certificate or key file that cannot be used; names the file and the problem. */
final class KeyMaterialException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    KeyMaterialException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    KeyMaterialException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault. */
    Path file() {
        return file;
    }
}
