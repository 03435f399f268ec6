package io.procpool.internal.calls;

import io.procpool.TaskBiFunction;
import io.procpool.TaskCallable;
import io.procpool.TaskFunction;

/**
 * Small task types that let every public call travel as a CALL or a CHUNK.
 *
 * <p>Thread-safety: immutable records; safe to share if what they hold is.
 */
final class TaskAdapters {
    private TaskAdapters() {
    }

    /** {@code fn(arg)} as a callable, for {@code applyAsync(fn, arg)}. */
    record BoundCall<T, R>(TaskFunction<? super T, ? extends R> fn, T arg) implements TaskCallable<R> {
        @Override
        public R call() throws Exception {
            return fn.apply(arg);
        }
    }

    /** A {@code java.util.concurrent.Callable} submitted to a pool's {@code ExecutorService} view. */
    record JdkCallable<R>(java.util.concurrent.Callable<R> callable) implements TaskCallable<R> {
        @Override
        public R call() throws Exception {
            return callable.call();
        }
    }

    /** A {@code Runnable} submitted to a pool's {@code ExecutorService} view; its result is {@code null}. */
    record JdkRunnable(Runnable runnable) implements TaskCallable<Object> {
        @Override
        public Object call() {
            runnable.run();
            return null;
        }
    }

    /** A starmap item: the key and value of a {@code Map.Entry}, in a class of ours so any entry type travels. */
    record Pair<A, B>(A first, B second) {
    }

    /** A two-argument function applied to {@link Pair}s, for {@code starmap}. */
    record Spread<A, B, R>(TaskBiFunction<? super A, ? super B, ? extends R> fn)
            implements TaskFunction<Pair<A, B>, R> {
        @Override
        public R apply(Pair<A, B> pair) throws Exception {
            return fn.apply(pair.first(), pair.second());
        }
    }
}
