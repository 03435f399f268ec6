package io.procpool.internal.task;

import io.procpool.internal.codec.Codec;
import io.procpool.internal.insights.FunctionNames;

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
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Encodes a function once for the chunks of one call.
     *
     * @throws io.procpool.TaskSerializationException the function cannot be encoded (the message names its class)
     */
    public static FunctionRef of(Object function) {
        return new FunctionRef(IDS.incrementAndGet(), Codec.encode(function, "function"), FunctionNames.of(function));
    }
}
