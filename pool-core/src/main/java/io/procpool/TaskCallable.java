package io.procpool;

import java.io.Serializable;

/**
 * A task with no argument that returns a result, run in a worker JVM by {@link Pool#apply} and
 * {@link Pool#applyAsync(TaskCallable)}.
 *
 * <p>A lambda or method reference typed as this interface is serializable; whatever it captures travels to the worker
 * with Kryo, so captured objects need not implement {@link Serializable}.
 *
 * <p>Threading: runs on the worker's task thread, one task at a time per worker; an instance is encoded on the
 * submitting thread and must not be mutated while it is being submitted.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskCallable<R> extends Serializable {
    /**
     * Computes the result, in the worker JVM.
     *
     * @return the result, which travels back to the caller
     * @throws Exception any failure, which reaches the caller as the cause of a {@link TaskFailedException}
     */
    R call() throws Exception;
}
