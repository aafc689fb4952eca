package org.parley.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whether a stage has its outcome already, so the caller can go on at once instead of composing
 * on it (a stage and a lambda per stanza on the common path). Only a plain
 * {@link CompletableFuture} is asked: a subclass may refuse the question (the JDK's
 * {@code minimalCompletionStage()} throws {@link UnsupportedOperationException} from
 * {@code isDone}), and any other stage is taken as pending, which is always correct, only slower.
 */
public final class Stages {
    private Stages() {
    }

    /** True when the stage is a plain CompletableFuture that has completed, normally or not. */
    public static boolean isDone(CompletionStage<?> stage) {
        return stage != null && stage.getClass() == CompletableFuture.class && ((CompletableFuture<?>) stage).isDone();
    }

    /** True when the stage is a plain CompletableFuture that has completed normally. */
    public static boolean isDoneNormally(CompletionStage<?> stage) {
        return isDone(stage) && !((CompletableFuture<?>) stage).isCompletedExceptionally();
    }
}
