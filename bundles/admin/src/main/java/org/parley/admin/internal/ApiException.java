package org.parley.admin.internal;

/** A request the API refuses: the HTTP status and a one-line reason the caller is shown. */
final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient java.util.Map<String, Object> details;

    ApiException(int status, String message) {
        this(status, message, java.util.Map.of());
    }

    /** @param details more fields for the JSON answer (e.g. a refused configuration's pid and problems) */
    ApiException(int status, String message, java.util.Map<String, Object> details) {
        super(message);
        this.status = status;
        this.details = details;
    }

    java.util.Map<String, Object> details() {
        return details;
    }

    int status() {
        return status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    static ApiException unprocessable(String message) {
        return new ApiException(422, message);
    }
}
