package io.procpool;

import java.io.Serializable;

/**
 * A function of one argument, run in a worker JVM by {@link Pool#map}, {@link Pool#imap} and their relatives.
 *
 * <p>A lambda or method reference typed as this interface is serializable; whatever it captures, the argument and the
 * result travel with Kryo and need not implement {@link Serializable}.
 *
 * <p>Threading: runs on the worker's task thread, one item at a time per worker; an instance is encoded once per
 * call on the submitting thread and must not be mutated while that call is being submitted.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskFunction<T, R> extends Serializable {
    /**
     * Applies the function, in the worker JVM.
     *
     * @param t the argument
     * @return the result, which travels back to the caller
     * @throws Exception any failure, which reaches the caller as the cause of a {@link TaskFailedException}
     */
    R apply(T t) throws Exception;
}
