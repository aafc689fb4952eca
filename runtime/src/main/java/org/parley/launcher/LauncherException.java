package org.parley.launcher;

/** A problem the operator must fix; its message is printed as one line, without a stack trace. */
final class LauncherException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LauncherException(String message) {
        super(message);
    }
}
