package io.procpool.worker;

import io.procpool.internal.codec.CodecWarmUp;
import java.util.function.BooleanSupplier;

/**
 * Warms a pool worker's codec paths while it is idle right after hello ({@link CodecWarmUp}), so the first map does
 * not run them interpreted. It runs on its own daemon thread at minimum priority and stops for good the first time it
 * sees the worker busy, so a task never waits for it (at most one dummy chunk, well under a millisecond once
 * compiled, overlaps the first task). It prints nothing; a failure of the warm-up only ends it.
 *
 * <p>Threading: {@link #start} returns at once; {@code idle} is polled from the warm-up thread between chunks.
 */
final class IdleWarmUp {
    private IdleWarmUp() {
    }

    /**
     * @param workerName names the thread
     * @param idle       true while the worker has no task queued or running
     */
    static void start(String workerName, BooleanSupplier idle) {
        Thread thread = new Thread(() -> {
            try {
                CodecWarmUp.run(idle);
            } catch (RuntimeException | LinkageError e) {
                // a warm-up that cannot run only leaves the JIT cold; the tasks report their own codec failures
            }
        }, workerName + "-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }
}
