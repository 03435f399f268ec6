package io.procpool;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a pool shared with {@link Pool#share}: each value encoded once into shared memory, and closed with the pool.
 *
 * <p>Thread-safety: thread-safe.
 */
final class PoolShares {
    private final Set<Shared<?>> shared = ConcurrentHashMap.newKeySet();

    /** {@link Shared#of}, remembered so that {@link #closeAll()} releases it. */
    <T> Shared<T> share(T value) {
        Shared<T> handle = Shared.of(value);
        shared.add(handle);
        return handle;
    }

    /** Closes every value shared so far (those closed already stay closed). */
    void closeAll() {
        shared.forEach(Shared::close);
        shared.clear();
    }
}
