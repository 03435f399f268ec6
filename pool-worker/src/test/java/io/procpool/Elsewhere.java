package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where a messaging test runs the other side of a conversation with the parent: in the parent itself (another
 * thread), in a {@link JvmProcess} child, in a pool task, or in a grandchild (a {@code JvmProcess} started by a
 * {@code JvmProcess} child). The body's handles travel captured by its lambda; a body that throws fails the run
 * (non-zero exit code, failed task).
 *
 * <p>Thread-safety: a test's instance is used by the test's thread; {@link #close()} kills what still runs.
 */
final class Elsewhere implements AutoCloseable {
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    /** The places a handle must work from. */
    enum Where {
        PARENT, CHILD, POOL_TASK, GRANDCHILD
    }

    private final ProcessPool pool;
    private final List<JvmProcess> started = new ArrayList<>();

    /** @param pool the pool for {@link Where#POOL_TASK} runs (the caller's, shared by its tests) */
    Elsewhere(ProcessPool pool) {
        this.pool = pool;
    }

    /** A body started somewhere; {@link #finish()} waits for it and fails the test if it failed. */
    interface Running {
        void finish() throws Exception;
    }

    Running start(Where where, TaskRunnable body) {
        switch (where) {
            case PARENT -> {
                CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                    try {
                        body.run();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                return () -> done.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
            }
            case POOL_TASK -> {
                CompletableFuture<Object> done = pool.applyAsync(() -> {
                    body.run();
                    return null;
                });
                return () -> done.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
            }
            case CHILD -> {
                return process(body);
            }
            default -> {
                return process(() -> {
                    JvmProcess grandchild = new JvmProcess("grandchild", body);
                    grandchild.start();
                    grandchild.join();
                    System.exit(grandchild.exitCode().orElse(99));
                });
            }
        }
    }

    /** Starts {@code body} in a child JVM and returns the child (to kill it). */
    JvmProcess child(TaskRunnable body) {
        JvmProcess child = new JvmProcess(body);
        child.start();
        started.add(child);
        return child;
    }

    private Running process(TaskRunnable body) {
        JvmProcess child = child(body);
        return () -> {
            if (!child.join(GENEROUS)) {
                throw new AssertionError(child + " still runs after " + GENEROUS);
            }
            assertEquals(0, child.exitCode().orElseThrow(), child + " failed (see its stderr above)");
        };
    }

    @Override
    public void close() throws InterruptedException {
        for (JvmProcess child : started) {
            child.kill();
            child.join();
        }
    }
}
