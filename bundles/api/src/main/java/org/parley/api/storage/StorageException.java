package org.parley.api.storage;

/** The store failed (unreachable, constraint broken); nothing was changed by the failed call. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
