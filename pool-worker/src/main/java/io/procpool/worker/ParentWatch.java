package io.procpool.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends this JVM when its parent process is gone, even if something kept our stdin open: the parent's
 * {@code onExit()} future halts it; the end of stdin is the other, usually faster, signal.
 *
 * <p>Thread-safety: stateless; the halts run on the JDK's own daemon threads (the process watcher, the
 * {@link CompletableFuture#delayedExecutor} scheduler), which never keep the JVM alive.
 */
final class ParentWatch {
    /** Exit code of a child whose parent vanished: 128 + SIGHUP, as a shell would report a hung-up job. */
    static final int PARENT_GONE = 129;

    private ParentWatch() {
    }

    static void start() {
        ProcessHandle.current().parent().ifPresent(
                parent -> parent.onExit().whenComplete((ended, error) -> Runtime.getRuntime().halt(PARENT_GONE)));
    }

    /** Waits (bounded) then halts: used when stdin ends, so a shutdown hook that hangs cannot keep us alive. */
    static void haltAfter(long millis) {
        CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS)
                .execute(() -> Runtime.getRuntime().halt(PARENT_GONE));
    }
}
