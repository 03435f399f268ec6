package io.procpool.internal.task;

/**
 * A function registered for one map-like call: encoded once, sent once to each worker that runs a chunk of it, and
 * forgotten by the workers when the call is over.
 *
 * <p>Thread-safety: immutable; the encoded bytes are never modified after registration.
 *
 * @param id      unique in this parent JVM
 * @param encoded the Kryo-encoded {@code TaskFunction}
 * @param name    the function's class and method, for insights
 */
public record FunctionRef(long id, byte[] encoded, String name) {
}
