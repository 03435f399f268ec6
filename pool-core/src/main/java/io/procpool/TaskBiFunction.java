package io.procpool;

import java.io.Serializable;

/**
 * A function of two arguments, run in a worker JVM by {@link Pool#starmap}.
 *
 * <p>Threading: runs on the worker's task thread, one task at a time per worker; an instance is encoded on the
 * submitting thread and must not be mutated while a call that uses it is being submitted.
 *
 * @param <A> the first argument's type
 * @param <B> the second argument's type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskBiFunction<A, B, R> extends Serializable {
    /**
     * Applies the function, in the worker JVM.
     *
     * @param a the first argument
     * @param b the second argument
     * @return the result, which travels back to the caller
     * @throws Exception any failure, which reaches the caller as the cause of a {@link TaskFailedException}
     */
    R apply(A a, B b) throws Exception;
}
