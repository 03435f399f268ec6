package io.procpool.hazelcast;

import io.procpool.PoolException;

/**
 * A task or an answer was refused because its signature under the cluster key is missing or wrong: the pool and the
 * member do not share a key ({@link HazelcastPool.Builder#authKey}, {@code Member --auth-key-file}), or its bytes were
 * altered on the way. The refused bytes were never decoded, so nothing they hold ran or was built. The task is not run
 * again: a key mismatch would refuse it again.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class PayloadSignatureException extends PoolException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused, by whom, and why
     */
    public PayloadSignatureException(String message) {
        super(message);
    }
}
