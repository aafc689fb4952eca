package org.parley.api.auth;

/** A user operation was refused: a bad name, an existing or unknown user, a storage failure. The message is one line for the operator. */
public class UserException extends Exception {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
