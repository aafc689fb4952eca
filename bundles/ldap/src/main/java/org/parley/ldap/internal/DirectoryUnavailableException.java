package org.parley.ldap.internal;

/** No configured directory server answered: sign-ins get temporary-auth-failure, never "wrong password". */
final class DirectoryUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    DirectoryUnavailableException(String message) {
        super(message, null, false, false);
    }
}
