package io.procpool.internal.pool;

import io.procpool.TaskBiFunction;
import io.procpool.TaskCallable;
import io.procpool.TaskFunction;

/** Small task types that let every public call travel as a CALL or a CHUNK. */
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
