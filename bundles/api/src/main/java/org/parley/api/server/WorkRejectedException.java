package org.parley.api.server;

/** The {@link WorkerPool} is full or stopping: the work was not run. Answer "try later". */
public class WorkRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WorkRejectedException(String message) {
        super(message);
    }
}
