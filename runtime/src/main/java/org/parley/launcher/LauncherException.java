package org.parley.launcher;

/** A problem the operator must fix; its message is printed as one line, without a stack trace. */
final class LauncherException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    LauncherException(String message) {
        this(message, 1);
    }

    LauncherException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
