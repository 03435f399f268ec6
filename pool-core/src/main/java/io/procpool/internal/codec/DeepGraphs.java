package io.procpool.internal.codec;

import com.esotericsoftware.kryo.KryoException;
import com.google.common.base.Throwables;
import io.procpool.PoolException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Keeps Kryo's recursion from running out of stack on a thread that is not procpool's. Kryo recurses once per level of
 * an object graph, and a {@link StackOverflowError} can strike anywhere on the way, also inside a class initializer
 * ({@code StringBuffer}'s, say), which then fails for good for the whole JVM ("Could not initialize class"). So an
 * encoding or decoding first runs on the calling thread with Kryo's depth bounded to {@link #CALLER_DEPTH}, which any
 * thread's stack holds; a graph nested deeper is done again on a thread of this class, whose stack is
 * {@link #STACK_BYTES} (reserved, committed only as used) and whose depth bound leaves room to spare in it. A graph
 * deeper than that fails with Kryo's "Max depth exceeded", which the codec reports as a
 * {@code TaskSerializationException}.
 *
 * <p>Thread-safety: thread-safe; the deep-stack thread handles one graph at a time and ends when idle.
 */
final class DeepGraphs {
    /*
     * Measured on JDK 17 (a linked list, encoded and decoded, JIT and -Xint): a level takes 550 to 750 bytes of stack
     * once warm, up to 1.9 KiB while cold, and the JVM keeps about 80 KiB of every stack for itself (a 128 KiB stack
     * held 69 levels, 256 KiB 234, 1 MiB 1,438, 8 MiB 15,040).
     */
    /** Levels done on the caller's thread: about 100 KiB of stack; task graphs are rarely nested deeper than 10. */
    static final int CALLER_DEPTH = 100;
    /** Reserved, not committed: pages are used as the recursion reaches them. */
    private static final long STACK_BYTES = 256L << 20;
    /** Levels done on the deep-stack thread: about 75 MiB at 750 bytes a level, a third of its stack. */
    static final int DEEP_DEPTH = 100_000;
    private static final long IDLE_SECONDS = 10;
    private static final String DEPTH_EXCEEDED = "Max depth exceeded";

    private static final ThreadPoolExecutor DEEP = deepStackExecutor();

    private DeepGraphs() {
    }

    /**
     * Runs {@code attempt} with {@link #CALLER_DEPTH} here; when it failed on that bound, runs it again with
     * {@link #DEEP_DEPTH} on the deep-stack thread, and returns or throws what that run did.
     *
     * @param attempt encodes or decodes with Kryo's max depth set to its argument; it must be safe to repeat
     */
    static <T> T run(IntFunction<T> attempt) {
        try {
            return attempt.apply(CALLER_DEPTH);
        } catch (RuntimeException e) {
            if (!depthExceeded(e)) {
                throw e;
            }
        }
        Future<T> deep = DEEP.submit((Callable<T>) () -> attempt.apply(DEEP_DEPTH));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return deep.get(); // bounded by the graph's size: the attempt reads or writes bytes in memory
                } catch (InterruptedException e) {
                    interrupted = true; // the caller's buffers are in use over there: wait until it is done
                }
            }
        } catch (ExecutionException e) {
            Throwables.throwIfUnchecked(e.getCause());
            throw new PoolException("encoding failed on procpool's deep-stack thread", e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean depthExceeded(Throwable e) {
        return Throwables.getCausalChain(e).stream().anyMatch(t -> t instanceof KryoException
                && String.valueOf(t.getMessage()).startsWith(DEPTH_EXCEEDED));
    }

    private static ThreadPoolExecutor deepStackExecutor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(null, task, "procpool-deep-codec", STACK_BYTES);
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
