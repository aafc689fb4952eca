package org.parley.usage.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.parley.api.auth.SaslFailure;
import org.parley.api.server.TestStateHandoff;
import org.parley.api.server.WorkerPool;
import org.parley.api.stanza.Stanza;
import org.parley.api.usage.TrafficCounters;

/** Small real implementations of the contracts the usage component uses, for its tests. */
final class TestSupport {
    private TestSupport() {
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(String instant) {
            now = Instant.parse(instant);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Runs the work on the caller: a test sees its effect when the call returns. */
    static final class CallerRunsPool implements WorkerPool {
        @Override
        public <T> CompletionStage<T> submit(Callable<T> work) {
            try {
                return CompletableFuture.completedFuture(work.call());
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    /** Counters the test sets. */
    static final class Counters implements TrafficCounters {
        final long[] received = new long[Stanza.Kind.values().length];
        long logins;
        long failed;

        @Override
        public long stanzasReceived(Stanza.Kind kind) {
            return received[kind.ordinal()];
        }

        @Override
        public long logins() {
            return logins;
        }

        @Override
        public long failedLogins(SaslFailure condition) {
            return condition == SaslFailure.NOT_AUTHORIZED ? failed : 0;
        }

        @Override
        public long stanzasHeld() {
            return 0;
        }
    }
}
