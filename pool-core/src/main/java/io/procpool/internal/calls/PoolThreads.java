package io.procpool.internal.calls;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.util.concurrent.ThreadFactory;

/**
 * Marks the threads a pool runs for itself (pipe readers and writers, supervision), on which a blocking pool call
 * could wait on itself: {@link PoolCalls#await} refuses those calls there and {@code close()} becomes a request.
 * User callbacks do not run on these threads; this guard is for the rare callback that slips through (see
 * {@link io.procpool.internal.task.PoolFuture}).
 *
 * <p>Thread-safety: thread-safe (a thread-local flag).
 */
public final class PoolThreads {
    private static final ThreadLocal<Boolean> INTERNAL = ThreadLocal.withInitial(() -> false);

    private PoolThreads() {
    }

    /** Marks the current thread as one of a pool's own. */
    public static void markInternal() {
        INTERNAL.set(true);
    }

    /** True on a pool's own threads. */
    public static boolean isInternal() {
        return INTERNAL.get();
    }

    /** Daemon threads named {@code <format>} (with {@code %d}), marked as the pool's own. */
    public static ThreadFactory internal(String nameFormat) {
        ThreadFactory named = new ThreadFactoryBuilder().setNameFormat(nameFormat).setDaemon(true).build();
        return work -> named.newThread(() -> {
            markInternal();
            work.run();
        });
    }
}
