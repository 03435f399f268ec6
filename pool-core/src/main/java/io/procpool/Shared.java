package io.procpool;

import io.procpool.internal.shm.Region;
import io.procpool.internal.shm.SharedValues;
import java.util.Objects;

/**
 * A value every task of a pool may read, sent once instead of with each task: what {@link Pool#share} returns (mpire's
 * {@code shared_objects}, Spark's broadcast variables). The value is encoded once into shared memory; each worker
 * decodes it on its first {@link #get()} and keeps it (respawned workers too), so tasks that capture the handle carry
 * a few bytes, not the value.
 *
 * <pre>{@code
 * try (Shared<Model> model = pool.share(loadModel())) {
 *     pool.map(x -> model.get().score(x), inputs);
 * }
 * }</pre>
 *
 * <p>The value is shared, not synchronized: each process has its own decoded copy, and changes to it stay in that
 * process. Hosting and travelling are those of {@link SharedLong}. {@link #close()} releases it everywhere: afterwards
 * {@code get()} throws {@link PoolException} in every process (a worker drops its copy on its next {@code get()});
 * closing the pool that shared it closes it too.
 *
 * <p>Thread-safety: thread-safe; the decoded value is as thread-safe as its class (tasks of one worker may run on
 * several threads).
 *
 * @param <T> the value's type
 */
public final class Shared<T> extends SharedMemoryHandle {
    /** The value itself, in the JVM that shared it; transient, so it never travels with the handle. */
    private final transient T local;

    private Shared(Region region, T local) {
        super(region);
        this.local = local;
    }

    /**
     * Encodes {@code value} into shared memory hosted by this JVM, for every process it starts ({@link JvmProcess}
     * children and pool workers alike); {@link Pool#share} is this plus closing it with the pool.
     *
     * @param <T> the value's type
     * @param value the value, not null
     * @return its handle; {@link #get()} in this JVM returns {@code value} itself
     * @throws TaskSerializationException {@code value} cannot be encoded (naming the class); nothing is left behind
     * @throws PoolException it does not fit in shared memory
     */
    public static <T> Shared<T> of(T value) {
        Objects.requireNonNull(value, "value");
        return new Shared<>(SharedValues.encode(value), value);
    }

    @Override
    String kind() {
        return "Shared value";
    }

    /**
     * The value: in the JVM that shared it, the object itself; elsewhere this process's decoded copy, decoded on the
     * first call.
     *
     * @return the value
     * @throws PoolException it was closed, or this process is neither its host nor one of the host's descendants
     * @throws TaskSerializationException it cannot be decoded here (its class is missing, say)
     */
    @SuppressWarnings("unchecked")
    public T get() {
        Region region = region();
        return local != null ? local : (T) SharedValues.decoded(region, kind());
    }
}
