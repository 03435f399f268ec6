package io.procpool.internal.calls;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.util.concurrent.ThreadFactory;

/**
 * Marks the threads a pool runs for itself (pipe readers and writers, supervision), on which a blocking pool call
 * could wait on itself: {@link PoolCalls#await} refuses those calls there and {@code close()} becomes a request.
 * User callbacks do not run on these threads; this guard is for the rare callback that slips through (see
 * {@link io.procpool.internal.task.PoolFuture}). Also marks the callback threads, where blocking calls are fine but
 * {@code close()}, which waits for every callback to have run, becomes a request too.
 *
 * <p>Thread-safety: thread-safe (a thread-local flag).
 */
public final class PoolThreads {
    private static final ThreadLocal<Boolean> INTERNAL = ThreadLocal.withInitial(() -> false);
    private static final ThreadLocal<Boolean> CALLBACK = ThreadLocal.withInitial(() -> false);

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

    /** True on a pool's callback threads, where user callbacks run (blocking pool calls are fine there). */
    public static boolean isCallback() {
        return CALLBACK.get();
    }

    /**
     * Daemon threads for user callbacks, named {@code <format>}: blocking pool calls are allowed on them, and
     * {@code close()} there becomes a request, since close waits for the callbacks to have run.
     */
    public static ThreadFactory callbacks(String nameFormat) {
        return marked(nameFormat, CALLBACK);
    }

    /** Daemon threads named {@code <format>} (with {@code %d}), marked as the pool's own. */
    public static ThreadFactory internal(String nameFormat) {
        return marked(nameFormat, INTERNAL);
    }

    private static ThreadFactory marked(String nameFormat, ThreadLocal<Boolean> mark) {
        ThreadFactory named = new ThreadFactoryBuilder().setNameFormat(nameFormat).setDaemon(true).build();
        return work -> named.newThread(() -> {
            mark.set(true);
            work.run();
        });
    }
}
