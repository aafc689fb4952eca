package org.parley.passwordfile.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.auth.PasswordAuthenticator.Result;
import org.parley.api.server.WorkerPool;

class PasswordFileProviderTest {
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final WorkerPool workers = new WorkerPool() {
        @Override
        public <T> CompletionStage<T> submit(Callable<T> work) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.call();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, pool);
        }
    };
    private PasswordFileProvider provider;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.deactivate();
        }
        pool.shutdownNow();
    }

    static PasswordFileConfig config(String file, int pollSeconds) {
        return new PasswordFileConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PasswordFileConfig.class;
            }

            @Override
            public String file() {
                return file;
            }

            @Override
            public int pollSeconds() {
                return pollSeconds;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public int service_ranking() {
                return PasswordFileProvider.RANKING;
            }
        };
    }

    private Result check(String user, String password) {
        return provider.authenticate(user, password).toCompletableFuture().join();
    }

    private static void replace(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void usersOfTheFileSignInAndOthersAreAskedElsewhere() throws Exception {
        Path etc = Files.createTempDirectory("etc");
        Files.writeString(etc.resolve("passwords"), "alice:" + PasswordHashTest.SHA512 + "\n");
        provider = new PasswordFileProvider(workers, etc);
        assertTrue(provider.apply(config("passwords", 1)));
        assertEquals(Result.ACCEPTED, check("alice", "secret pw"));
        assertEquals(Result.REJECTED, check("alice", "wrong"));
        assertEquals(Result.UNKNOWN_USER, check("bob", "secret pw"));
        assertTrue(provider.exists("alice").toCompletableFuture().join());
        assertFalse(provider.exists("bob").toCompletableFuture().join());
    }

    @Test
    void aChangedFileIsReadAgainAndAnUnreadableOneKeepsTheUsersLastRead() throws Exception {
        Path etc = Files.createTempDirectory("etc");
        Path file = etc.resolve("passwords");
        Files.writeString(file, "alice:" + PasswordHashTest.SHA512 + "\n");
        provider = new PasswordFileProvider(workers, etc);
        provider.apply(config("passwords", 1));
        replace(file, "alice:" + PasswordHashTest.SHA512 + "\nbob:" + PasswordHashTest.APR1 + "\n");
        await("bob arrives", () -> provider.entries().containsKey("bob"));
        assertEquals(Result.ACCEPTED, check("bob", "secret pw"));
        Files.delete(file);
        Thread.sleep(2500);
        assertEquals(Result.ACCEPTED, check("bob", "secret pw"), "a file gone keeps the users last read");
        replace(file, "bob:" + PasswordHashTest.APR1 + "\n");
        await("alice leaves", () -> !provider.entries().containsKey("alice"));
        assertEquals(Result.UNKNOWN_USER, check("alice", "secret pw"));
    }

    @Test
    void anInvalidConfigurationKeepsTheFileInUse() throws Exception {
        Path etc = Files.createTempDirectory("etc");
        Files.writeString(etc.resolve("passwords"), "alice:" + PasswordHashTest.SHA256 + "\n");
        provider = new PasswordFileProvider(workers, etc);
        assertTrue(provider.apply(config("passwords", 5)));
        assertFalse(provider.apply(config("other", 0)), "pollSeconds 0");
        assertEquals(Result.ACCEPTED, check("alice", "secret pw"));
        assertTrue(provider.apply(config("", 5)), "empty file: off");
        assertEquals(Result.UNKNOWN_USER, check("alice", "secret pw"));
    }
}
